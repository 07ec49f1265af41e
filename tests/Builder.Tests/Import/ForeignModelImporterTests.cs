using Google.Protobuf;
using LeNetOnnx.Builder.Import;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Tests.Import;

[TestClass]
public sealed class ForeignModelImporterTests
{
    public static IEnumerable<object[]> Variants => LeNetVariants.Names.Select(n => new object[] { n });

    /// <summary>
    /// Our own graph of each variant, stripped to what a foreign export looks like (one output,
    /// no metadata, other names), is recognised as that variant with its weights unchanged: the
    /// recognizer reads every form a variant's layers take (in-graph transforms, the 1998
    /// network's subsampling, scaled tanh and masked C3, the resize).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Variants))]
    public void Recognize_OurGraphAsAForeignExport_IsTheSameVariantWithTheSameWeights(string name)
    {
        LeNetOptions variant = LeNetVariants.Get(name);
        byte[] foreign = Foreign(LeNet5.Build(variant, seed: 7));
        RecognizedModel recognized = ForeignModelImporter.Recognize(foreign, "theirs.onnx", InputConvention.PixelOver255);
        Assert.AreEqual(variant.Variant, recognized.Variant.Variant);
        Assert.AreEqual(ForeignOutput.Logits, recognized.Output);
        Assert.IsNull(recognized.FixedBatch);
        ImportedModel original = LeNetModelReader.Parse(LeNet5.Build(variant, seed: 7).ToOnnxBytes(), "ours");
        foreach ((string parameter, float[] values) in original.Weights)
        {
            CollectionAssert.AreEqual(values, recognized.Weights[parameter], parameter);
        }
    }

    [TestMethod]
    public void Recognize_AsAnotherVariant_SaysHowTheyDiffer()
    {
        byte[] foreign = Foreign(LeNet5.Build(LeNetVariants.Classic));
        ModelImportException e = Assert.ThrowsExactly<ModelImportException>(() =>
            ForeignModelImporter.Recognize(foreign, "theirs.onnx", InputConvention.PixelOver255, LeNetVariants.Original));
        StringAssert.Contains(e.Message, "variant 'original' is scaled tanh, trainable subsampling, C1 padding 2, C5 a convolution; the model is Sigmoid, AveragePool, C1 padding 2");
    }

    [TestMethod]
    public void Recognize_FoldsTheInputConventionIntoC1()
    {
        byte[] foreign = Foreign(LeNet5.Build(LeNetVariants.TanhMax));
        RecognizedModel raw = ForeignModelImporter.Recognize(foreign, "theirs.onnx", InputConvention.Of(255));
        RecognizedModel plain = ForeignModelImporter.Recognize(foreign, "theirs.onnx", InputConvention.PixelOver255);
        CollectionAssert.AreEqual(plain.Weights["c1.weight"].Select(w => w * 255).ToArray(), raw.Weights["c1.weight"]);
        CollectionAssert.AreEqual(plain.Weights["c1.bias"], raw.Weights["c1.bias"]);
    }

    [TestMethod]
    public void Recognize_ANormalisationThePaddedC1CannotReproduce_IsRefused()
    {
        byte[] foreign = Foreign(LeNet5.Build(LeNetVariants.Classic));
        ModelImportException e = Assert.ThrowsExactly<ModelImportException>(() =>
            ForeignModelImporter.Recognize(foreign, "theirs.onnx", InputConvention.Of(1, 0.5f, 0.5f)));
        StringAssert.Contains(e.Message, "check --input-scale and --normalized");
    }

    [TestMethod]
    public void Recognize_OurOwnModel_IsAlreadyOurs()
    {
        ModelImportException e = Assert.ThrowsExactly<ModelImportException>(() =>
            ForeignModelImporter.Recognize(LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes(), "m.onnx", InputConvention.PixelOver255));
        StringAssert.Contains(e.Message, "is already a LeNetOnnx model (variant 'classic')");
    }

    [TestMethod]
    public void Recognize_NotOnnx_IsRefused()
    {
        ModelImportException e = Assert.ThrowsExactly<ModelImportException>(() =>
            ForeignModelImporter.Recognize([0xFF, 0xFF, 0xFF, 0x01], "x.onnx", InputConvention.PixelOver255));
        StringAssert.Contains(e.Message, "not a valid ONNX model");
    }

    [TestMethod]
    public void InputConvention_OfScaleAndNormalisation()
    {
        Assert.AreEqual(new InputConvention(255, 0), InputConvention.Of(255));
        Assert.AreEqual(new InputConvention(2, -1), InputConvention.Of(1, 0.5f, 0.5f));
        Assert.ThrowsExactly<InvalidOptionException>(() => InputConvention.Of(3));
        Assert.ThrowsExactly<InvalidOptionException>(() => InputConvention.Of(1, 0.5f, 0));
        Assert.ThrowsExactly<InvalidOptionException>(() => InputConvention.Of(1, float.NaN, 1));
    }

    // The model as another exporter would leave it: only the logits output, no metadata, the
    // input renamed.
    private static byte[] Foreign(LeNetModel model)
    {
        ModelProto proto = ModelProto.Parser.ParseFrom(model.ToOnnxBytes());
        proto.MetadataProps.Clear();
        GraphProto graph = proto.Graph;
        graph.Output.Remove(graph.Output.Single(o => o.Name == LeNetContract.ProbabilitiesOutput));
        graph.Node.Remove(graph.Node.Single(n => n.Output.Contains(LeNetContract.ProbabilitiesOutput)));
        return proto.ToByteArray();
    }
}
