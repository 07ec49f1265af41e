using System.Security.Cryptography;
using System.Text.Json;
using LeNetOnnx.Builder;
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
    [DataRow("sigmoid-max-96", 860_426L, 6_519_070L)]
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
    public void LeNet5_MxnetResizeRunsTheShapesOfA96PixelImage()
    {
        LeNetModel model = LeNet5.Build(LeNetVariants.SigmoidMax96);
        (string Layer, string Shape)[] expected =
        [
            ("input", "1x96x96"), ("C1", "6x92x92"), ("S2", "6x46x46"), ("C3", "16x42x42"), ("S4", "16x21x21"), ("F5", "120"), ("F6", "84"), ("out", "10"),
        ];
        CollectionAssert.AreEqual(expected, model.Layers.Select(l => (l.Layer, l.OutputShape)).ToArray());
        Assert.AreEqual(new TensorShape(120, 7_056), model.Graph["f5.weight"].Shape);
        Assert.AreEqual(new TensorShape(Dim.Named("N"), 1, 28, 28), model.Graph.Inputs.Single().Shape, "the contract's 28x28 image; the resize is inside");
        Node resize = model.Graph.Nodes.Single(n => n.OpType == "Resize");
        Assert.AreEqual("linear", resize.Attributes["mode"].String);
        Assert.AreEqual("half_pixel", resize.Attributes["coordinate_transformation_mode"].String);
        StringAssert.StartsWith(Metadata(model)[LeNetContract.Keys.Preprocessing], "bilinear resize (half-pixel centres) to 96x96");
    }

    [TestMethod]
    public void LeNet5_Lecun1998InitDrawsWithinTwoPointFourOverEachUnitsFanIn()
    {
        LeNetOptions paper = LeNetVariants.Original with { Init = WeightInit.Lecun1998 };
        LeNetModel model = LeNet5.Build(paper, seed: 3);
        AssertUniformRows(model, "c1.weight", rows: 6, _ => 25);
        AssertUniformRows(model, "c3.weight", rows: 16, o => 25 * C3ConnectionTable.InputsOf(C3Connections.Lecun1998, o).Count);
        AssertUniformRows(model, "c5.weight", rows: 120, _ => 400);
        AssertUniformRows(model, "f6.weight", rows: 84, _ => 120);
        AssertUniformRows(model, "out.weight", rows: 10, _ => 84);
        Assert.IsTrue(model.Graph.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal)).All(p => p.Data!.Floats!.All(v => v == 0f)), "biases start at zero");
        Assert.IsTrue(model.Graph["s2.weight"].Data!.Floats!.All(v => v == 0.25f), "subsampling coefficients keep their start");
        CollectionAssert.AreNotEqual(LeNet5.Build(LeNetVariants.Original, seed: 3).Graph["c1.weight"].Data!.Floats, model.Graph["c1.weight"].Data!.Floats);
    }

    [TestMethod]
    public void LeNet5_LabelsGoIntoTheMetadataAndMustNameTenClasses()
    {
        string[] digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
        LeNetModel model = LeNet5.Build(LeNetVariants.Classic, labels: digits);
        CollectionAssert.AreEqual(digits, JsonSerializer.Deserialize<string[]>(Metadata(model)[LeNetContract.Keys.Labels]));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => LeNet5.Build(LeNetVariants.Classic, labels: digits[..9])).Message, "10 class names");
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
    [DataRow("sigmoid-max-96", "084ebf24d7bd37a8e8e5117db118cfe1b163b01c3b07713e48aef558f145a0ed")]
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
        ArgumentException e = Assert.ThrowsExactly<InvalidOptionException>(() => LeNetVariants.Get("lenet-6"));
        StringAssert.Contains(e.Message, "classic, relu-max, tanh-max, sigmoid-max, original, modern");
    }

    /// <summary>Each output unit's weights lie within ±2.4/F, F its fan-in, and fill most of that range; weights outside the C3 table are 0.</summary>
    private static void AssertUniformRows(LeNetModel model, string name, int rows, Func<int, int> fanIn)
    {
        float[] w = model.Graph[name].Data!.Floats!;
        int length = w.Length / rows;
        for (int o = 0; o < rows; o++)
        {
            float bound = 2.4f / fanIn(o);
            float[] row = [.. w.AsSpan(o * length, length).ToArray().Where(v => v != 0f)];
            Assert.HasCount(fanIn(o), row, $"{name} row {o}: its connected weights");
            Assert.IsTrue(row.All(v => MathF.Abs(v) <= bound), $"{name} row {o} within ±{bound}");
            Assert.IsGreaterThan(bound * 0.5f, row.Max(v => MathF.Abs(v)), $"{name} row {o} uses its range");
        }
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
