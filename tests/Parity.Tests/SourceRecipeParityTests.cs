using LeNetOnnx.Runtime;
using System.Text.Json;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// Each source recipe against its source's own training loop restated in PyTorch 1.13
/// (<c>tools/source_recipes.py run</c>), shortened: the same initial weights, the same batches in
/// the same order, one epoch on the first Fashion-MNIST training images. Every step's loss agrees
/// to float32 noise (the bound leaves room for Adam, which divides by small roots and so magnifies
/// rounding; the measured differences are in the README), and the test accuracy after the epoch
/// to half a point.
/// <c>tools/source_recipes.py table</c> makes the full runs.
/// </summary>
[TestClass]
public sealed class SourceRecipeParityTests
{
    private const int TestImages = 2_000;
    private const double LossTolerance = 1e-4;
    private const double AccuracyTolerance = 0.005;

    [TestMethod]
    [DataRow("d2l", 5_120, DisplayName = "d2l: 20 steps of 256")]
    [DataRow("mnist-tutorial", 6_400, DisplayName = "mnist-tutorial: 100 steps of 64, softmax twice")]
    [DataRow("keras", 6_400, DisplayName = "keras: 100 steps of 64, Keras' Adam")]
    [DataRow("lenet1998", 6_400, DisplayName = "lenet1998: 100 steps of 64, the 1998 net")]
    [DataRow("mxnet", 2_400, DisplayName = "mxnet: 10 steps on 96x96, the last of 96 divided by 256")]
    public void SourceRecipe_EveryStepsLossAndTheAccuracyMatchItsSourceInPyTorch(string name, int trainImages)
    {
        string debian = RequireFashionMnist();
        PythonReference.RequireAvailable();
        TrainingRecipe recipe = Recipes.Get(name) with { Epochs = 1 };
        DataSetSplits full = DataSetSplits.Load(FashionMnist.Description, debian);
        DataSetSplits data = DataSetSplits.Create(full.Description, debian, full.Train.Take(trainImages), full.Test.Take(TestImages));
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("initial.onnx"), TrainingArtifacts.Create(recipe.Variant, recipe.Optimizer, recipe.Seed, loss: recipe.Loss).InferenceModel);

        TrainingOutcome ours = new TrainingRun(recipe, data, new TrainingRunOptions { RunDirectory = dir.File("run"), Device = ExecutionDevice.Cpu }).Run();
        (int exitCode, string output, string error) = PythonReference.Run(
            "source_recipes.py", "run", "--recipe", name, "--model", dir.File("initial.onnx"), "--data", debian,
            "--epochs", "1", "--train-limit", $"{trainImages}", "--test-limit", $"{TestImages}", "--output", dir.File("torch.json"));
        Assert.AreEqual(0, exitCode, $"source_recipes.py failed:\n{output}\n{error}");

        using JsonDocument torch = JsonDocument.Parse(File.ReadAllText(dir.File("torch.json")));
        double[] torchLosses = [.. torch.RootElement.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble())];
        List<StepRecord> steps = StepLog.Read(dir.File("run/" + StepLog.FileName), long.MaxValue);
        Assert.HasCount(steps.Count, torchLosses, "the same number of steps");
        Assert.AreEqual((trainImages + recipe.BatchSize - 1) / recipe.BatchSize, steps.Count, "the last partial batch is trained on both sides");
        for (int k = 0; k < steps.Count; k++)
        {
            double difference = Math.Abs(steps[k].Loss - torchLosses[k]);
            Assert.IsLessThanOrEqualTo(LossTolerance * Math.Max(1, Math.Abs(torchLosses[k])), difference, $"step {k + 1}: ours {steps[k].Loss:R}, PyTorch {torchLosses[k]:R}");
        }

        double torchAccuracy = torch.RootElement.GetProperty("epochs")[0].GetProperty("test_accuracy").GetDouble();
        Assert.AreEqual(torchAccuracy, ours.Metrics[0].TestAccuracy, AccuracyTolerance, "test accuracy after the epoch");
    }

    private static string RequireFashionMnist()
    {
        string directory = FashionMnist.DebianDirectory;
        if (!DataSetLocator.HoldsAll(FashionMnist.Description, directory))
        {
            Prerequisite.Missing($"Fashion-MNIST is not installed in {directory}. Install it with 'apt-get install dataset-fashion-mnist' (tools/install-prerequisites.sh).");
        }

        return directory;
    }
}
