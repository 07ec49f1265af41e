using System.Security.Cryptography;
using System.Text.Json;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Builder.Tests.LeNet;

[TestClass]
public sealed class LeNet5Tests
{
    public static IEnumerable<object[]> Variants => LeNetVariants.Names.Select(n => new object[] { n });

    [TestMethod]
    [DataRow("classic", 61_706L, 429_342L)]
    [DataRow("relu-max", 44_426L, 290_814L)]
    [DataRow("tanh-max", 44_426L, 290_814L)]
    [DataRow("sigmoid-max", 44_426L, 290_814L)]
    [DataRow("original", 60_850L, 340_918L)]
    [DataRow("modern", 61_706L, 429_342L)]
    public void LeNet5_TotalsPerVariant(string variant, long parameters, long connections)
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Get(variant));
        Assert.AreEqual(parameters, model.ParameterCount);
        Assert.AreEqual(connections, model.ConnectionCount);
        Assert.AreEqual(parameters.ToString(System.Globalization.CultureInfo.InvariantCulture), Metadata(model)[LeNetContract.Keys.Parameters]);
    }

    [TestMethod]
    public void LeNet5_OriginalSummaryShowsThePapersNumbers()
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Original);
        (string Layer, string Shape, long Params, long Connections)[] expected =
        [
            ("input", "1x32x32", 0, 0),
            ("C1", "6x28x28", 156, 122_304),
            ("S2", "6x14x14", 12, 5_880),
            ("C3", "16x10x10", 1_516, 151_600),
            ("S4", "16x5x5", 32, 2_000),
            ("C5", "120x1x1", 48_120, 48_120),
            ("F6", "84", 10_164, 10_164),
            ("out", "10", 850, 850),
        ];
        CollectionAssert.AreEqual(expected, model.Layers.Select(l => (l.Layer, l.OutputShape, l.Parameters, l.Connections)).ToArray());
    }

    [TestMethod]
    public void LeNet5_ClassicSummaryRows()
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Classic);
        (string Layer, string Shape, long Params, long Connections)[] expected =
        [
            ("C1", "6x28x28", 156, 122_304),
            ("S2", "6x14x14", 0, 4_704),
            ("C3", "16x10x10", 2_416, 241_600),
            ("S4", "16x5x5", 0, 1_600),
            ("F5", "120", 48_120, 48_120),
            ("F6", "84", 10_164, 10_164),
            ("out", "10", 850, 850),
        ];
        CollectionAssert.AreEqual(expected, model.Layers.Select(l => (l.Layer, l.OutputShape, l.Parameters, l.Connections)).ToArray());
    }

    [TestMethod]
    public void LeNet5_MaxVariantsShareTheTutorialShapes()
    {
        foreach (LeNetOptions options in new[] { LeNetVariants.ReluMax, LeNetVariants.TanhMax, LeNetVariants.SigmoidMax })
        {
            LeNetModel model = LeNet5.Build(options);
            string[] shapes = model.Layers.Where(l => l.Layer != "input").Select(l => l.OutputShape).ToArray();
            CollectionAssert.AreEqual(new[] { "6x24x24", "6x12x12", "16x8x8", "16x4x4", "120", "84", "10" }, shapes, options.Variant);
            Assert.AreEqual(new TensorShape(120, 256), model.Graph["f5.weight"].Shape, options.Variant);
        }
    }

    [TestMethod]
    public void LeNet5_OriginalC3WeightsOutsideTheTableAreExactlyZero()
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Original, seed: 7);
        float[] weights = model.Graph["c3.weight"].Data!.Floats!;
        int outside = 0;
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                bool connected = C3ConnectionTable.IsConnected(C3Connections.Lecun1998, o, i);
                ReadOnlySpan<float> kernel = weights.AsSpan(((o * 6) + i) * 25, 25);
                if (connected)
                {
                    Assert.IsTrue(kernel.ToArray().Any(v => v != 0f), $"C3 map {o} input {i} should have weights");
                }
                else
                {
                    outside++;
                    Assert.IsTrue(kernel.ToArray().All(v => v == 0f && !float.IsNegative(v)), $"C3 map {o} input {i} must be exactly zero");
                }
            }
        }

        Assert.AreEqual(36, outside);
    }

    [TestMethod]
    public void C3ConnectionTable_MatchesThePaper()
    {
        int[] counts = Enumerable.Range(0, 16).Select(o => C3ConnectionTable.InputsOf(C3Connections.Lecun1998, o).Count).ToArray();
        CollectionAssert.AreEqual(new[] { 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6 }, counts);
        CollectionAssert.AreEqual(new[] { 0, 4, 5 }, C3ConnectionTable.InputsOf(C3Connections.Lecun1998, 4).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 2, 3, 5 }, C3ConnectionTable.InputsOf(C3Connections.Lecun1998, 14).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, C3ConnectionTable.InputsOf(C3Connections.Full, 0).ToArray());
    }

    [TestMethod]
    public void LeNet5_XavierUniformWithinBoundsAndBiasesZero()
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Classic, seed: 3);
        AssertXavier(model, "c1.weight", 25, 150);
        AssertXavier(model, "c3.weight", 150, 400);
        AssertXavier(model, "f5.weight", 400, 120);
        AssertXavier(model, "out.weight", 84, 10);
        foreach (Value p in model.Graph.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal)))
        {
            Assert.IsTrue(p.Data!.Floats!.All(v => v == 0f), p.Name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Variants))]
    public void LeNet5_SameSeedSameBytesOtherSeedOtherBytes(string variant)
    {
        LeNetOptions options = LeNetVariants.Get(variant);
        byte[] first = LeNet5.Build(options, seed: 11).ToOnnxBytes();
        byte[] again = LeNet5.Build(options, seed: 11).ToOnnxBytes();
        byte[] other = LeNet5.Build(options, seed: 12).ToOnnxBytes();
        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, other);
    }

    [TestMethod]
    [DataRow("classic", "9aad48ff48c579d06fc5acfa2cb8b633f0fe0c87fa02441db162a28641372369")]
    [DataRow("relu-max", "6fa64fe2c0bd57d6bda14cdf2998a60c77ea02a39a644d0dfee664010a40d142")]
    [DataRow("tanh-max", "35c924b3eeec7afb3a72e163ba96644246466150a2a30660a31bc2ab447acfd0")]
    [DataRow("sigmoid-max", "1a0c7f6b1ef5afe049de8f1aa5acb46c3f554583024d3eed2f57ce1ec99f55e7")]
    [DataRow("original", "952436b0b8a3932bd8c31995c3da9f22715b1712fed8623761719ab977508295")]
    [DataRow("modern", "68dc6f9c559f23af8ce4b22d9fe8f8a205d8c34d2285b3af2891fd714724fec0")]
    public void LeNet5_GoldenSha256AtOpset17Seed1(string variant, string sha256)
    {
        byte[] bytes = LeNet5.Build(LeNetVariants.Get(variant), seed: 1, opset: 17).ToOnnxBytes();
        Assert.AreEqual(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)), $"The bytes of '{variant}' changed; if on purpose, update the golden hash.");
    }

    [TestMethod]
    [DynamicData(nameof(Variants))]
    public void LeNet5_MetadataCarriesTheContract(string variant)
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.Get(variant));
        Dictionary<string, string> metadata = Metadata(model);
        Assert.AreEqual(variant, metadata[LeNetContract.Keys.Variant]);
        CollectionAssert.AreEqual(FashionMnistClasses.Names.ToArray(), JsonSerializer.Deserialize<string[]>(metadata[LeNetContract.Keys.Labels]));
        Assert.AreEqual(LeNetContract.InputConvention, metadata[LeNetContract.Keys.Input]);
        Assert.IsTrue(metadata.ContainsKey(LeNetContract.Keys.Preprocessing));
        Assert.AreEqual("1", metadata[LeNetContract.Keys.Seed]);
        Assert.AreEqual(new TensorShape(Dim.Named("N"), 1, 28, 28), model.Graph.Inputs.Single().Shape);
        CollectionAssert.AreEqual(new[] { "logits", "probabilities" }, model.Graph.Outputs.Select(o => o.Name).ToArray());
        Assert.IsTrue(model.Graph.Outputs.All(o => o.Shape.Equals(new TensorShape(Dim.Named("N"), 10))));
    }

    [TestMethod]
    public void LeNetVariants_UnknownNameListsTheValidOnes()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => LeNetVariants.Get("lenet-6"));
        StringAssert.Contains(e.Message, "classic, relu-max, tanh-max, sigmoid-max, original, modern");
    }

    private static void AssertXavier(LeNetModel model, string name, int fanIn, int fanOut)
    {
        float bound = MathF.Sqrt(6f / (fanIn + fanOut));
        float[] w = model.Graph[name].Data!.Floats!;
        Assert.IsTrue(w.All(v => MathF.Abs(v) <= bound), name);
        Assert.IsGreaterThan(bound * 0.9f, w.Max(), name);
        Assert.IsLessThan(-bound * 0.9f, w.Min(), name);
        Assert.IsLessThan(bound * 0.1f, MathF.Abs(w.Average()), name);
    }

    private static Dictionary<string, string> Metadata(LeNetModel model) => model.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
}
