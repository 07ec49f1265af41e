using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Tests.Serialization;

[TestClass]
public sealed class OnnxModelWriterTests
{
    [TestMethod]
    [DataRow(13)]
    [DataRow(17)]
    [DataRow(21)]
    public void OnnxModelWriter_WritesOpsetIrVersionAndDefaultDomainOnly(int opset)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(LeNet5.Build(LeNetVariants.Original, opset: opset).ToOnnxBytes());
        Assert.AreEqual(Opset.IrVersionFor(opset), model.IrVersion);
        Assert.HasCount(1, model.OpsetImport);
        Assert.AreEqual("", model.OpsetImport[0].Domain);
        Assert.AreEqual(opset, model.OpsetImport[0].Version);
        Assert.IsTrue(model.Graph.Node.All(n => n.Domain.Length == 0));
        Assert.AreEqual(OnnxModelWriter.ProducerName, model.ProducerName);
    }

    [TestMethod]
    public void OnnxModelWriter_AttributesAreSortedAndNodeNamesUnique()
    {
        ModelProto model = ModelProto.Parser.ParseFrom(LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes());
        foreach (NodeProto node in model.Graph.Node)
        {
            string[] names = node.Attribute.Select(a => a.Name).ToArray();
            CollectionAssert.AreEqual(names.Order(StringComparer.Ordinal).ToArray(), names, node.Name);
        }

        Assert.AreEqual(model.Graph.Node.Count, model.Graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [TestMethod]
    public void OnnxModelWriter_ParametersBecomeInitializersOrInputs()
    {
        LeNetModel lenet = LeNet5.Build(LeNetVariants.Classic);
        ModelProto inference = OnnxModelWriter.ToModel(lenet.Graph, new ModelDescription());
        ModelProto training = OnnxModelWriter.ToModel(lenet.Graph, new ModelDescription { Parameters = ParameterPlacement.Inputs });
        string[] parameterNames = lenet.Graph.Parameters.Select(p => p.Name).ToArray();
        CollectionAssert.IsSubsetOf(parameterNames, inference.Graph.Initializer.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "image" }, inference.Graph.Input.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "image" }.Concat(parameterNames).ToArray(), training.Graph.Input.Select(i => i.Name).ToArray());
        Assert.IsFalse(training.Graph.Initializer.Any(i => parameterNames.Contains(i.Name)));
    }

    [TestMethod]
    public void OnnxModelWriter_StoresFloatsAsLittleEndianRawData()
    {
        LeNetModel lenet = LeNet5.Build(LeNetVariants.Classic, seed: 9);
        ModelProto model = ModelProto.Parser.ParseFrom(lenet.ToOnnxBytes());
        TensorProto c1 = model.Graph.Initializer.Single(i => i.Name == "c1.weight");
        CollectionAssert.AreEqual(new long[] { 6, 1, 5, 5 }, c1.Dims.ToArray());
        Assert.AreEqual((int)TensorProto.Types.DataType.Float, c1.DataType);
        float[] decoded = new float[150];
        Buffer.BlockCopy(c1.RawData.ToByteArray(), 0, decoded, 0, 600);
        CollectionAssert.AreEqual(lenet.Graph["c1.weight"].Data!.Floats, decoded);
    }

    [TestMethod]
    public void OnnxModelWriter_SymbolicBatchIsDimParamN()
    {
        ModelProto model = ModelProto.Parser.ParseFrom(LeNet5.Build(LeNetVariants.TanhMax).ToOnnxBytes());
        TensorShapeProto shape = model.Graph.Input[0].Type.TensorType.Shape;
        Assert.AreEqual("N", shape.Dim[0].DimParam);
        CollectionAssert.AreEqual(new long[] { 1, 28, 28 }, shape.Dim.Skip(1).Select(d => d.DimValue).ToArray());
    }
}
