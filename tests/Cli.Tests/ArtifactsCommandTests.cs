using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class ArtifactsCommandTests
{
    private readonly TemporaryDirectory temporary = new();

    private string directory => temporary.Path;

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void Artifacts_WritesTheModelsACheckpointOfTheOptionsAndTheRecipe()
    {
        string output = Path.Combine(directory, "out");
        CliRun run = CliRun.Of("artifacts", "--variant", "original", "--optimizer", "adamw", "--lr", "0.002", "--weight-decay", "0.05", "--betas", "0.8", "0.99", "--eps", "1e-6", "--seed", "3", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        CollectionAssert.AreEquivalent(
            new[] { "training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "inference_model.onnx", "checkpoint.lnck", "recipe.json" },
            Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        Checkpoint checkpoint = CheckpointFile.Read(Path.Combine(output, "checkpoint.lnck"));
        Assert.AreEqual("original", checkpoint.Variant);
        Assert.AreEqual(new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.002, WeightDecay = 0.05, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6 }, checkpoint.Optimizer);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.Original, seed: 3).ToOnnxBytes(), File.ReadAllBytes(Path.Combine(output, "inference_model.onnx")));
        Assert.AreEqual(1, Directory.GetFileSystemEntries(directory).Length, "no temporary directory may stay behind");
    }

    [TestMethod]
    public void Artifacts_FromAModelStartsFromItsWeightsAndVariant()
    {
        string model = Path.Combine(directory, "m.onnx");
        Assert.AreEqual(0, CliRun.Of("build", "-v", "relu-max", "--seed", "9", "-o", model).ExitCode);
        string output = Path.Combine(directory, "out");
        CliRun run = CliRun.Of("artifacts", "--from", model, "--optimizer", "sgd", "--momentum", "0.9", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        Checkpoint checkpoint = CheckpointFile.Read(Path.Combine(output, "checkpoint.lnck"));
        Assert.AreEqual("relu-max", checkpoint.Variant);
        Assert.AreEqual(9UL, checkpoint.Seed);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.ReluMax, seed: 9).Graph["f6.weight"].Data!.Floats, checkpoint["f6.weight"].Data);
        CollectionAssert.AreEqual(new float[checkpoint["f6.weight"].Data.Length], checkpoint["f6.weight.momentum"].Data);
    }

    [TestMethod]
    public void Artifacts_RecipeJsonHoldsTheLoopSettingsAndTheLineResumeChecks()
    {
        string output = Path.Combine(directory, "out");
        CliRun run = CliRun.Of("artifacts", "--recipe", "best", "--seed", "4", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        using var recipe = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "recipe.json")));
        System.Text.Json.JsonElement root = recipe.RootElement;
        TrainingRecipe expected = Recipes.Best with { Seed = 4 };
        Assert.AreEqual(TrainingRun.Describe(expected), root.GetProperty("describe").GetString());
        Assert.AreEqual((128, 30, "4", "WarmupCosine", 2, true), (root.GetProperty("batch_size").GetInt32(), root.GetProperty("epochs").GetInt32(), root.GetProperty("seed").GetString(), root.GetProperty("schedule").GetString(), root.GetProperty("augmentation").GetProperty("max_shift").GetInt32(), root.GetProperty("augmentation").GetProperty("horizontal_flip").GetBoolean()));
        Assert.AreEqual(FashionMnist.Description.TrainImages.ContentSha256, root.GetProperty("files").GetProperty("train_images").GetProperty("content_sha256").GetString());
    }
}
