using System.Globalization;
using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// The training artifacts against PyTorch (<c>tools/torch_reference.py grad|train</c>): loss and
/// gradients against autograd in float64, and optimizer trajectories against <c>torch.optim</c>.
/// </summary>
[TestClass]
public sealed class TrainingParityTests
{
    private const double RelativeTolerance = 1e-4;
    private const double AbsoluteTolerance = 1e-6;

    public static IEnumerable<object[]> Variants => LeNetVariants.Names.Select(n => new object[] { n });

    public static IEnumerable<object[]> OptimizerCases =>
        from variant in new[] { "classic", "original" }
        from optimizer in new[] { "sgd", "sgd-momentum", "sgd-nesterov", "sgd-weight-decay", "adam", "adamw" }
        select new object[] { variant, optimizer };

    public static IEnumerable<object[]> GradientCases =>
        LeNetVariants.Names.Select(n => new object[] { n, 0.0, false }).Concat([["classic", 0.1, false], ["modern", 0.25, false], ["relu-max", 0.0, true], ["tanh-max", 0.1, true]]);

    [TestMethod]
    [DynamicData(nameof(GradientCases))]
    public void Gradients_MatchTorchAutogradForEveryVariant(string variant, double labelSmoothing, bool softmaxFirst)
    {
        const int batch = 16;
        using var dir = new TemporaryDirectory();
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(variant), Sgd(0.1), seed: 21, loss: new TrainingLoss { LabelSmoothing = labelSmoothing, OfSoftmax = softmaxFirst });
        (float[] images, long[] labels) = Batch(batch, seed: 5);
        File.WriteAllBytes(dir.File("model.onnx"), artifacts.InferenceModel);
        RawArrays.Write(dir.File("images.bin"), images);
        RawArrays.Write(dir.File("labels.bin"), labels);
        WriteManifest(dir, new { model = "model.onnx", images = "images.bin", labels = "labels.bin", batch, output_dir = "torch", label_smoothing = labelSmoothing, softmax_first = softmaxFirst });
        RunTorch("grad", dir);

        using var stepper = new ArtifactStepper(artifacts);
        (float loss, long correct, Dictionary<string, float[]> gradients) = stepper.Gradients(images, labels);
        double torchLoss = RawArrays.Read<double>(dir.File("torch/loss.bin"))[0];
        AssertClose("loss", [loss], [torchLoss]);
        double[] torchLogits = RawArrays.Read<double>(dir.File("torch/logits.bin"));
        long torchCorrect = Enumerable.Range(0, batch).Count(n => ArgMax(torchLogits.AsSpan(n * 10, 10)) == labels[n]);
        Assert.AreEqual(torchCorrect, correct, "correct count");
        foreach (string p in stepper.ParameterNames)
        {
            AssertClose(p + "_grad", gradients[p], RawArrays.Read<double>(dir.File($"torch/{p}.grad.bin")));
        }
    }

    [TestMethod]
    [DynamicData(nameof(OptimizerCases))]
    public void Optimizer_FollowsTorchOptimFor1And50Steps(string variant, string optimizer)
    {
        const int batch = 8;
        const int steps = 50;
        // The 1998 net's scaled tanh has more gain: the tutorial learning rates make its 50-step
        // trajectory chaotic (float32 rounding then decides the weights), so it gets smaller ones.
        OptimizerOptions options = Optimizer(optimizer);
        options = options with { LearningRate = options.LearningRate * (variant == "original" ? 0.1 : 1) };
        using var dir = new TemporaryDirectory();
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(variant), options, seed: 8);
        (float[] images, long[] labels) = Batch(batch * steps, seed: 13);
        File.WriteAllBytes(dir.File("model.onnx"), artifacts.InferenceModel);
        RawArrays.Write(dir.File("images.bin"), images);
        RawArrays.Write(dir.File("labels.bin"), labels);
        RawArrays.Write(dir.File("images1.bin"), images[..(batch * 784)]);
        RawArrays.Write(dir.File("labels1.bin"), labels[..batch]);
        var torchOptimizer = TorchOptimizer(options);
        WriteManifest(
            dir,
            new { model = "model.onnx", images = "images1.bin", labels = "labels1.bin", batch, steps = 1, optimizer = torchOptimizer, output_dir = "torch1" },
            new { model = "model.onnx", images = "images.bin", labels = "labels.bin", batch, steps, optimizer = torchOptimizer, output_dir = "torch50" });
        RunTorch("train", dir);

        using var stepper = new ArtifactStepper(artifacts);
        var losses = new float[steps];
        for (int k = 0; k < steps; k++)
        {
            losses[k] = stepper.TrainStep(images[(k * batch * 784)..((k + 1) * batch * 784)], labels[(k * batch)..((k + 1) * batch)], (float)options.LearningRate);
            if (k == 0)
            {
                AssertParameters(stepper, dir, "torch1", "after 1 step");
            }
        }

        float[] torchLosses = RawArrays.Read<float>(dir.File("torch50/losses.bin"));
        AssertParameters(stepper, dir, "torch50", $"after {steps} steps");
        AssertClose("losses", losses, torchLosses.Select(l => (double)l).ToArray());
        if (variant == "original")
        {
            AssertC3TableHolds(stepper["c3.weight"]);
        }
    }

    /// <summary>
    /// Parameters after training, both sides in float32: the error of each tensor relative to its
    /// largest magnitude. Element by element would test float32 noise, not semantics: Adam divides
    /// each gradient by its own magnitude, so gradients near zero (whose last bits differ between
    /// any two float32 implementations) take full-size steps in slightly different directions.
    /// </summary>
    private static void AssertParameters(ArtifactStepper stepper, TemporaryDirectory dir, string torchDir, string when)
    {
        foreach (string p in stepper.ParameterNames)
        {
            float[] ours = stepper[p];
            float[] torch = RawArrays.Read<float>(dir.File($"{torchDir}/{p}.bin"));
            Assert.HasCount(torch.Length, ours, p);
            double scale = Math.Max(torch.Max(v => Math.Abs((double)v)), 1e-12);
            double worst = ours.Zip(torch).Max(pair => Math.Abs((double)pair.First - pair.Second)) / scale;
            Assert.IsLessThanOrEqualTo(RelativeTolerance, worst, $"{p} {when}: max |ours - torch| / max |torch| = {worst:E2}");
        }
    }

    private static void AssertC3TableHolds(float[] weights)
    {
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                if (!C3ConnectionTable.IsConnected(C3Connections.Lecun1998, o, i))
                {
                    Assert.IsTrue(weights.AsSpan(((o * 6) + i) * 25, 25).ToArray().All(w => w == 0f), $"C3 map {o} input {i} moved");
                }
            }
        }
    }

    private static void AssertClose(string what, float[] actual, double[] expected) =>
        AssertClose(what, actual.Select(v => (double)v).ToArray(), expected);

    private static void AssertClose(string what, double[] actual, double[] expected)
    {
        Assert.HasCount(expected.Length, actual, what);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double excess = Math.Abs(actual[i] - expected[i]) - (AbsoluteTolerance + (RelativeTolerance * Math.Abs(expected[i])));
            if (excess > worst)
            {
                worst = excess;
                worstIndex = i;
            }
        }

        Assert.AreEqual(-1, worstIndex, worstIndex < 0 ? what : string.Create(CultureInfo.InvariantCulture, $"{what}[{worstIndex}]: ours {actual[worstIndex]:R}, torch {expected[worstIndex]:R}"));
    }

    private static OptimizerOptions Sgd(double lr) => new() { Kind = OptimizerKind.Sgd, LearningRate = lr };

    private static OptimizerOptions Optimizer(string name) => name switch
    {
        "sgd" => Sgd(0.3),
        "sgd-momentum" => Sgd(0.1) with { Momentum = 0.9, Dampening = 0.1 },
        "sgd-nesterov" => Sgd(0.1) with { Momentum = 0.9, Nesterov = true },
        "sgd-weight-decay" => Sgd(0.1) with { Momentum = 0.5, WeightDecay = 0.05 },
        "adam" => new() { Kind = OptimizerKind.Adam, LearningRate = 0.002, WeightDecay = 0.01 },
        "adamw" => new() { Kind = OptimizerKind.AdamW, LearningRate = 0.002, WeightDecay = 0.1, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-7 },
        _ => throw new ArgumentException(name),
    };

    private static object TorchOptimizer(OptimizerOptions o) => o.Kind == OptimizerKind.Sgd
        ? new { name = "sgd", lr = o.LearningRate, momentum = o.Momentum, dampening = o.Dampening, nesterov = o.Nesterov, weight_decay = o.WeightDecay }
        : new { name = o.Name, lr = o.LearningRate, betas = new[] { o.Beta1, o.Beta2 }, eps = o.Epsilon, weight_decay = o.WeightDecay };

    private static (float[] Images, long[] Labels) Batch(int count, int seed)
    {
        var random = new Random(seed);
        return (OrtRunner.RandomImages(count, seed), Enumerable.Range(0, count).Select(_ => (long)random.Next(10)).ToArray());
    }

    private static void WriteManifest(TemporaryDirectory dir, params object[] jobs) =>
        File.WriteAllText(dir.File("manifest.json"), JsonSerializer.Serialize(new { jobs }));

    private static void RunTorch(string command, TemporaryDirectory dir)
    {
        (int exitCode, string output, string error) = PythonReference.Run("torch_reference.py", command, dir.File("manifest.json"));
        Assert.AreEqual(0, exitCode, output + error);
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
