using Google.Protobuf;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Runtime.Rewrite;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime.Tests.Rewrite;

[TestClass]
public sealed class FirstLayerPoolingPhasesTests
{
    [TestMethod]
    public void Rewrite_OfClassic_ComputesTheSameOutputsFromTheSameInput()
    {
        byte[] rewritten = FirstLayerPoolingPhases.TryRewrite(TestModels.Classic, "image")
            ?? throw new AssertFailedException("classic's first layer was not rewritten");

        const int batch = 5;
        float[] images = TestModels.Images(batch, seed: 77);
        (float[] expected, float[] expectedProbabilities, _) = LeNetOnnx.Tests.OrtRunner.Run(TestModels.Classic, images, batch);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(rewritten, options);
        using var value = OrtValue.CreateTensorValueFromMemory(images, [batch, 1, 28, 28]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["image"], [value], ["logits", "probabilities"]);
        float[] logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] probabilities = outputs[1].GetTensorDataAsSpan<float>().ToArray();

        Assert.HasCount(expected.Length, logits);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], logits[i], 1e-6f, $"logit {i}");
            Assert.AreEqual(expectedProbabilities[i], probabilities[i], 1e-6f, $"probability {i}");
        }
    }

    [TestMethod]
    public void Rewrite_KeepsEverythingElseOfTheModel()
    {
        byte[] rewritten = FirstLayerPoolingPhases.TryRewrite(TestModels.Classic, "image")!;
        ModelProto before = ModelProto.Parser.ParseFrom(TestModels.Classic);
        ModelProto after = ModelProto.Parser.ParseFrom(rewritten);

        Assert.AreEqual(before.IrVersion, after.IrVersion);
        CollectionAssert.AreEqual(before.OpsetImport.ToArray(), after.OpsetImport.ToArray());
        CollectionAssert.AreEqual(before.MetadataProps.ToArray(), after.MetadataProps.ToArray());
        CollectionAssert.AreEqual(before.Graph.Input.ToArray(), after.Graph.Input.ToArray());
        CollectionAssert.AreEqual(before.Graph.Output.ToArray(), after.Graph.Output.ToArray());

        // Same node count, same outputs in the same order: the conv and the pool were replaced in place by Convs.
        CollectionAssert.AreEqual(before.Graph.Node.Select(n => n.Output[0]).ToArray(), after.Graph.Node.Select(n => n.Output[0]).ToArray());
        string[] changed = after.Graph.Node.Where((n, i) => !n.Equals(before.Graph.Node[i])).Select(n => $"{n.Name}:{n.OpType}").ToArray();
        CollectionAssert.AreEqual(new[] { "c1.conv:Conv", "s2.pool:Conv" }, changed);

        // The phase conv: 24 outputs, 6×6 kernels, stride 2, the original's padding.
        NodeProto phases = after.Graph.Node.Single(n => n.Name == "c1.conv");
        CollectionAssert.AreEqual(new long[] { 6, 6 }, phases.Attribute.Single(a => a.Name == "kernel_shape").Ints.ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, phases.Attribute.Single(a => a.Name == "strides").Ints.ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 2, 2, 2 }, phases.Attribute.Single(a => a.Name == "pads").Ints.ToArray());
        CollectionAssert.AreEqual(new long[] { 24, 1, 6, 6 }, after.Graph.Initializer.Single(t => t.Name == phases.Input[1]).Dims.ToArray());
    }

    [TestMethod]
    [DataRow("relu-max")]
    [DataRow("tanh-max")]
    [DataRow("sigmoid-max")]
    [DataRow("original")]
    [DataRow("modern")]
    public void Rewrite_LeavesVariantsWithAnotherFirstLayerAlone(string variant)
    {
        Assert.IsNull(FirstLayerPoolingPhases.TryRewrite(TestModels.Variant(variant), "image"));
    }

    public static IEnumerable<object[]> Deviations =>
    [
        ["stride 2", (Action<ModelProto>)(m => SetInts(FirstConv(m), "strides", 2, 2))],
        ["dilation 2", (Action<ModelProto>)(m => SetInts(FirstConv(m), "dilations", 2, 2))],
        ["uneven pads", (Action<ModelProto>)(m => SetInts(FirstConv(m), "pads", 2, 2, 1, 1))],
        ["auto_pad", (Action<ModelProto>)(m => FirstConv(m).Attribute.Add(new AttributeProto { Name = "auto_pad", S = ByteString.CopyFromUtf8("SAME_UPPER"), Type = AttributeProto.Types.AttributeType.String }))],
        ["pool 3x3", (Action<ModelProto>)(m => SetInts(Node(m, "s2.pool"), "kernel_shape", 3, 3))],
        ["pool stride 1", (Action<ModelProto>)(m => SetInts(Node(m, "s2.pool"), "strides", 1, 1))],
        ["pool padded", (Action<ModelProto>)(m => SetInts(Node(m, "s2.pool"), "pads", 1, 1, 1, 1))],
        ["pool ceil_mode", (Action<ModelProto>)(m => Node(m, "s2.pool").Attribute.Add(new AttributeProto { Name = "ceil_mode", I = 1, Type = AttributeProto.Types.AttributeType.Int }))],
        ["max pool", (Action<ModelProto>)(m => Node(m, "s2.pool").OpType = "MaxPool")],
        ["weights overridable", (Action<ModelProto>)(m => m.Graph.Input.Add(new ValueInfoProto { Name = "c1.weight", Type = FloatType(6, 1, 5, 5) }))],
        ["conv output is a graph output", (Action<ModelProto>)(m => m.Graph.Output.Add(new ValueInfoProto { Name = "c1.conv", Type = FloatType() }))],
        ["activation used twice", (Action<ModelProto>)(m => m.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "c1.sigmoid" }, Output = { "extra" } }))],
        ["name taken", (Action<ModelProto>)(m => m.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "s2.pool" }, Output = { "s2.pool/phase_mean" } }))],
        ["custom domain", (Action<ModelProto>)(m => FirstConv(m).Domain = "com.example")],
    ];

    [TestMethod]
    [DynamicData(nameof(Deviations))]
    public void Rewrite_LeavesAModelAloneWhenItsFirstLayerDeviates(string deviation, Action<ModelProto> edit)
    {
        byte[] model = TestModels.Edit(TestModels.Classic, edit);
        Assert.IsNull(FirstLayerPoolingPhases.TryRewrite(model, "image"), deviation);
    }

    [TestMethod]
    public void Rewrite_ReadsWeightsStoredAsFloatDataToo()
    {
        byte[] model = TestModels.Edit(TestModels.Classic, m =>
        {
            foreach (TensorProto tensor in m.Graph.Initializer.Where(t => t.Name.StartsWith("c1.", StringComparison.Ordinal)))
            {
                float[] values = new float[tensor.RawData.Length / 4];
                Buffer.BlockCopy(tensor.RawData.ToByteArray(), 0, values, 0, tensor.RawData.Length);
                tensor.ClearRawData();
                tensor.FloatData.AddRange(values);
            }
        });

        byte[] fromFloatData = FirstLayerPoolingPhases.TryRewrite(model, "image")!;
        byte[] fromRawData = FirstLayerPoolingPhases.TryRewrite(TestModels.Classic, "image")!;
        TensorProto Weights(byte[] rewritten) => ModelProto.Parser.ParseFrom(rewritten).Graph.Initializer.Single(t => t.Name == "c1.weight/pooling_phases");
        Assert.AreEqual(Weights(fromRawData).RawData, Weights(fromFloatData).RawData);
    }

    [TestMethod]
    public void RewriteCheck_RefusesARewriteThatComputesSomethingElse()
    {
        byte[] rewritten = FirstLayerPoolingPhases.TryRewrite(TestModels.Classic, "image")!;
        byte[] wrong = TestModels.Edit(rewritten, m =>
        {
            TensorProto bias = m.Graph.Initializer.Single(t => t.Name == "c1.weight/pooling_phases_bias");
            // Every window's top-left pixel of the first channel shifted by 0.5 before the activation.
            byte[] raw = bias.RawData.ToByteArray();
            BitConverter.GetBytes(BitConverter.ToSingle(raw, 0) + 0.5f).CopyTo(raw, 0);
            bias.RawData = ByteString.CopyFrom(raw);
        });

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var original = new InferenceSession(TestModels.Classic, options);
        using var good = new InferenceSession(rewritten, options);
        using var bad = new InferenceSession(wrong, options);
        Assert.IsTrue(RewriteCheck.Agrees(original, good));
        Assert.IsFalse(RewriteCheck.Agrees(original, bad));
    }

    [TestMethod]
    public void LeNetClassifier_OnAModelWithoutTheFirstLayer_RunsItAsWritten()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Variant("relu-max"));
        Assert.IsFalse(classifier.FirstLayerRewritten);
        Assert.IsTrue(TestModels.SharedClassic.FirstLayerRewritten);
    }

    private static NodeProto FirstConv(ModelProto model) => Node(model, "c1.conv");

    private static NodeProto Node(ModelProto model, string name) => model.Graph.Node.Single(n => n.Name == name);

    private static void SetInts(NodeProto node, string name, params long[] values)
    {
        AttributeProto? existing = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (existing is not null)
        {
            node.Attribute.Remove(existing);
        }

        node.Attribute.Add(new AttributeProto { Name = name, Ints = { values }, Type = AttributeProto.Types.AttributeType.Ints });
    }

    private static TypeProto FloatType(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } };
    }
}
