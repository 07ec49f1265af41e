using Google.Protobuf;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Tests.Wire;

[TestClass]
public sealed class ExternalDataScanTests
{
    [TestMethod]
    public void ExternalDataScan_EveryVariantIsSelfContained()
    {
        foreach (string variant in LeNetOnnx.Builder.LeNet.LeNetVariants.Names)
        {
            Assert.IsNull(ExternalDataScan.FindExternalTensor(TestModels.Variant(variant)), variant);
        }
    }

    [TestMethod]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void ExternalDataScan_FindsAnInitializerByLocationOrByEntries(bool setLocation, bool addEntries)
    {
        byte[] model = Model(m => m.Graph.Initializer.Add(TestModels.ExternalTensor("outside", setLocation, addEntries)));
        Assert.AreEqual("outside", ExternalDataScan.FindExternalTensor(model));
    }

    [TestMethod]
    public void ExternalDataScan_FindsSparseInitializers()
    {
        byte[] model = Model(m => m.Graph.SparseInitializer.Add(new SparseTensorProto
        {
            Values = new TensorProto { Name = "values" },
            Indices = TestModels.ExternalTensor("indices"),
        }));
        Assert.AreEqual("indices", ExternalDataScan.FindExternalTensor(model));
    }

    [TestMethod]
    public void ExternalDataScan_FindsTensorsInsideSubgraphsAndFunctions()
    {
        byte[] inSubgraph = Model(m =>
        {
            var branch = new GraphProto { Name = "then" };
            branch.Initializer.Add(TestModels.ExternalTensor("in_branch"));
            var node = new NodeProto { OpType = "If" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
            m.Graph.Node.Add(node);
        });
        Assert.AreEqual("in_branch", ExternalDataScan.FindExternalTensor(inSubgraph));

        byte[] inFunction = Model(m =>
        {
            var node = new NodeProto { OpType = "Constant" };
            var attribute = new AttributeProto { Name = "value_list", Type = AttributeProto.Types.AttributeType.Tensors };
            attribute.Tensors.Add(new TensorProto { Name = "fine" });
            attribute.Tensors.Add(TestModels.ExternalTensor("in_function"));
            node.Attribute.Add(attribute);
            var function = new FunctionProto { Name = "f", Domain = "local" };
            function.Node.Add(node);
            m.Functions.Add(function);
        });
        Assert.AreEqual("in_function", ExternalDataScan.FindExternalTensor(inFunction));
    }

    [TestMethod]
    public void ExternalDataScan_UnnamedTensorsAreStillReported()
    {
        byte[] model = Model(m => m.Graph.Initializer.Add(TestModels.ExternalTensor("")));
        Assert.AreEqual("(unnamed)", ExternalDataScan.FindExternalTensor(model));
    }

    [TestMethod]
    public void ExternalDataScan_RefusesGraphsNestedTooDeeply()
    {
        var graph = new GraphProto { Name = "leaf" };
        for (int level = 0; level < 30; level++)
        {
            var node = new NodeProto { OpType = "If" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
            graph = new GraphProto { Name = $"level{level}" };
            graph.Node.Add(node);
        }

        byte[] model = new ModelProto { Graph = graph }.ToByteArray();
        InvalidDataException e = Assert.ThrowsExactly<InvalidDataException>(() => ExternalDataScan.FindExternalTensor(model));
        Assert.Contains("nests subgraphs more than 64 levels", e.Message);
        Assert.Contains("nests subgraphs", Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model)).Message);
    }

    [TestMethod]
    public void ExternalDataScan_EveryPrefixOfAModelIsReadOrRefusedCleanly()
    {
        byte[] model = Model(m => m.Graph.Initializer.Add(TestModels.ExternalTensor("last")));
        int refused = 0;
        for (int length = 0; length < model.Length; length++)
        {
            try
            {
                ExternalDataScan.FindExternalTensor(model.AsSpan(0, length));
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }

        Assert.IsGreaterThan(model.Length / 2, refused, "most cuts land inside a field");
        Assert.AreEqual("last", ExternalDataScan.FindExternalTensor(model));
    }

    [TestMethod]
    public void ExternalDataScan_RandomBytesNeverThrowAnythingButInvalidData()
    {
        var random = new Random(20230828);
        byte[] model = TestModels.Classic;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes;
            if (trial % 2 == 0)
            {
                bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
            }
            else
            {
                // A real model with a few bytes overwritten, cut somewhere.
                bytes = model.AsSpan(0, random.Next(model.Length)).ToArray();
                for (int flip = 0; flip < 4 && bytes.Length > 0; flip++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }

            try
            {
                ExternalDataScan.FindExternalTensor(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static byte[] Model(Action<ModelProto> edit)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.Graph.Initializer.Add(new TensorProto { Name = "inside", RawData = ByteString.CopyFrom(new byte[64]) });
        edit(model);
        return model.ToByteArray();
    }
}
