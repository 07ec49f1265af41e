using System.Globalization;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// <c>tools/node/train.mjs</c> (onnxruntime-node 1.30) against the C# Trainer (ONNX Runtime 1.32,
/// one replica) on the same artifacts: the same step losses and weights, checkpoints that move
/// between them mid-epoch, an export the Runtime library loads, the recipe line C# resumes by.
/// </summary>
/// <remarks>
/// Tolerances: measured on this machine, both runtimes give the same bits for every step of all
/// six recipes (their CPU kernels are MLAS in both builds). The tests allow float32 noise
/// instead, because another build may pick another MLAS kernel for the same convolution and
/// round its sums in another order: step losses within 1e-6 relative (8 ulps) for the first 20
/// steps, and weights within 1e-5 of each other after an epoch (the d2l net's weights are at
/// most 0.72; a rounding difference of a few ulps in a gradient, times the learning rate 0.9 over
/// 16 steps, stays below that).
/// </remarks>
[TestClass]
public sealed class JavaScriptTrainerTests
{
    private const float LossTolerance = 1e-6f;
    private const float WeightTolerance = 1e-5f;
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Node_TrainsTheD2lEpochOn4096Images_AsCSharpDoes()
    {
        TrainingRecipe recipe = Recipes.D2l with { Epochs = 1, TrainImages = 4_096 };
        string artifacts = WriteArtifacts(recipe);
        TrainingOutcome csharp = TrainCSharp(recipe, temporary.File("cs"));

        string model = temporary.File("node.onnx");
        RunNode("--artifacts", artifacts, "--recipe", "d2l", "--seed", "1", "--epochs", "1", "--train-limit", "4096", "--data", FashionMnistFiles.RequireDirectory(), "--run-dir", temporary.File("node"), "-o", model);

        List<StepRecord> expected = StepLog.Read(Path.Combine(temporary.File("cs"), StepLog.FileName), long.MaxValue);
        List<StepRecord> actual = StepLog.Read(Path.Combine(temporary.File("node"), StepLog.FileName), long.MaxValue);
        Assert.HasCount(16, actual);
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < 20 && i < expected.Count; i++)
        {
            Assert.AreEqual((expected[i].Step, expected[i].Examples, expected[i].Correct, expected[i].LearningRate), (actual[i].Step, actual[i].Examples, actual[i].Correct, actual[i].LearningRate), $"step {i + 1}");
            Assert.AreEqual(expected[i].Loss, actual[i].Loss, LossTolerance * Math.Abs(expected[i].Loss), $"loss of step {i + 1}");
        }

        ImportedModel exported = LeNetModelReader.Read(model);
        float largest = LargestDifference(csharp.Weights, exported.Weights);
        TestContext.WriteLine($"largest weight difference after the epoch, C# against Node: {largest:G3}; step losses {(expected.Select(s => s.Loss).SequenceEqual(actual.Select(s => s.Loss)) ? "bit for bit equal" : "differ")}");
        Assert.IsLessThanOrEqualTo(WeightTolerance, largest);

        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        Assert.AreEqual("classic", classifier.Variant);
        Assert.AreEqual(TrainingRun.Describe(recipe), classifier.Metadata["lenet.recipe"]);
        Assert.AreEqual(csharp.Metrics[^1].TestAccuracy.ToString("F4", CultureInfo.InvariantCulture), classifier.Metadata["lenet.test_accuracy"]);
        StringAssert.StartsWith(classifier.Metadata["lenet.trained_by"], "tools/node/train.mjs, onnxruntime-node");
    }

    [TestMethod]
    [DataRow("mnist-tutorial", DisplayName = "SGD with momentum, the softmax's cross-entropy")]
    [DataRow("keras", DisplayName = "Keras' Adam")]
    [DataRow("best", DisplayName = "Adam, warm-up and cosine, shifts and flips, label smoothing")]
    [DataRow("mxnet", DisplayName = "SGD on the summed loss / 256, 96x96")]
    [DataRow("lenet1998", DisplayName = "Nesterov, the 1998 network")]
    public void Node_TrainsEveryRecipesLoop_AsCSharpDoes(string name)
    {
        TrainingRecipe recipe = new RecipeOverrides().ApplyTo(Recipes.Get(name)) with { Epochs = 2, TrainImages = 640 };
        string artifacts = WriteArtifacts(recipe);
        TrainingOutcome csharp = TrainCSharp(recipe, temporary.File("cs"));
        string model = temporary.File("node.onnx");
        RunNode("--artifacts", artifacts, "--epochs", "2", "--train-limit", "640", "--data", FashionMnistFiles.RequireDirectory(), "--run-dir", temporary.File("node"), "-o", model);

        List<StepRecord> expected = StepLog.Read(Path.Combine(temporary.File("cs"), StepLog.FileName), long.MaxValue);
        List<StepRecord> actual = StepLog.Read(Path.Combine(temporary.File("node"), StepLog.FileName), long.MaxValue);
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < Math.Min(20, expected.Count); i++)
        {
            Assert.AreEqual((expected[i].Correct, expected[i].LearningRate), (actual[i].Correct, actual[i].LearningRate), $"step {i + 1}");
            Assert.AreEqual(expected[i].Loss, actual[i].Loss, LossTolerance * Math.Abs(expected[i].Loss), $"loss of step {i + 1}");
        }

        Assert.IsLessThanOrEqualTo(WeightTolerance, LargestDifference(csharp.Weights, LeNetModelReader.Read(model).Weights));
    }

    [TestMethod]
    public void CSharpCheckpoint_StoppedMidEpoch_IsFinishedByNode()
    {
        TrainingRecipe recipe = TwoEpochs;
        string artifacts = WriteArtifacts(recipe);
        string run = temporary.File("run");
        using var cancel = new CancellationTokenSource();
        var stopped = new TrainingRun(recipe, Data, new TrainingRunOptions { RunDirectory = run, Device = ExecutionDevice.Cpu, Replicas = 1 });
        stopped.StepCompleted += (s, _) =>
        {
            if (s.Step == 11)
            {
                cancel.Cancel();
            }
        };
        Assert.ThrowsExactly<OperationCanceledException>(() => stopped.Run(cancel.Token));
        Assert.AreEqual("3", CheckpointFile.Read(Path.Combine(run, TrainingRun.CheckpointFileName)).Properties["train.next_batch"]);

        string model = temporary.File("node.onnx");
        RunNode("--artifacts", artifacts, "--epochs", "2", "--train-limit", "2048", "--data", FashionMnistFiles.RequireDirectory(), "--run-dir", run, "--resume", "-o", model);

        TrainingOutcome uninterrupted = TrainCSharp(recipe, temporary.File("whole"));
        Assert.IsLessThanOrEqualTo(WeightTolerance, LargestDifference(uninterrupted.Weights, LeNetModelReader.Read(model).Weights));
        Assert.HasCount(16, StepLog.Read(Path.Combine(run, StepLog.FileName), long.MaxValue));
        Assert.HasCount(2, File.ReadAllLines(Path.Combine(run, TrainingRun.MetricsFileName)));
    }

    [TestMethod]
    public void NodeCheckpoint_StoppedMidEpoch_IsFinishedByCSharp()
    {
        TrainingRecipe recipe = TwoEpochs;
        string artifacts = WriteArtifacts(recipe);
        string run = temporary.File("run");
        (int code, string output, string error) = NodeRuntime.RunTool("train.mjs", "--artifacts", artifacts, "--epochs", "2", "--train-limit", "2048", "--data", FashionMnistFiles.RequireDirectory(), "--run-dir", run, "--stop-after-steps", "5");
        Assert.AreEqual(0, code, output + error);
        StringAssert.Contains(output, "stopped after 5 steps at epoch 1, batch 6");

        var resumed = new TrainingRun(recipe, Data, new TrainingRunOptions { RunDirectory = run, Device = ExecutionDevice.Cpu, Replicas = 1, Resume = true });
        TrainingOutcome finished = resumed.Run();
        Assert.AreEqual(16, finished.Checkpoint.Step);
        Assert.HasCount(2, finished.Metrics);

        TrainingOutcome uninterrupted = TrainCSharp(recipe, temporary.File("whole"));
        Assert.IsLessThanOrEqualTo(WeightTolerance, LargestDifference(uninterrupted.Weights, finished.Weights));
    }

    [TestMethod]
    public void NodeCheckpoint_OfAnotherReplicaCount_IsRefusedByCSharpWithItsOption()
    {
        TrainingRecipe recipe = TwoEpochs;
        string run = temporary.File("run");
        (int code, string output, string error) = NodeRuntime.RunTool("train.mjs", "--artifacts", WriteArtifacts(recipe), "--epochs", "2", "--train-limit", "2048", "--data", FashionMnistFiles.RequireDirectory(), "--run-dir", run, "--stop-after-steps", "2");
        Assert.AreEqual(0, code, output + error);
        var twoReplicas = new TrainingRun(recipe, Data, new TrainingRunOptions { RunDirectory = run, Device = ExecutionDevice.Cpu, Replicas = 2, Resume = true });
        TrainingException refused = Assert.ThrowsExactly<TrainingException>(() => twoReplicas.Run());
        StringAssert.Contains(refused.Message, "Resume with --replicas 1");
    }

    [TestMethod]
    public void RecipeLine_IsTrainingRunDescribe_ForEveryRecipeAndOverride()
    {
        foreach (TrainingRecipe recipe in Recipes.All)
        {
            string file = temporary.File($"{recipe.Name}.json");
            File.WriteAllBytes(file, RecipeFile.ToJson(recipe));
            Assert.AreEqual(TrainingRun.Describe(recipe), Describe(file), recipe.Name);
            Assert.AreEqual(TrainingRun.Describe(recipe with { Epochs = 3, BatchSize = 100, TrainImages = 1_000 }), Describe(file, "3", "100", "1000"), recipe.Name);
            Assert.AreEqual(TrainingRun.Describe(recipe with { Epochs = 1 }), Describe(file, "1", "-", "-"), recipe.Name);
        }
    }

    private static TrainingRecipe TwoEpochs => Recipes.D2l with { Epochs = 2, TrainImages = 2_048 };

    private static DataSetSplits Data => DataSetSplits.Load(FashionMnist.Description, FashionMnistFiles.RequireDirectory());

    private static string Describe(string file, params string[] overrides)
    {
        (int code, string output, string error) = NodeRuntime.RunTool("lenet_train.mjs", ["describe", file, .. overrides]);
        Assert.AreEqual(0, code, error);
        return output.TrimEnd('\n');
    }

    /// <summary>What <c>lenet artifacts</c> writes for the recipe.</summary>
    private string WriteArtifacts(TrainingRecipe recipe)
    {
        string directory = temporary.File("artifacts");
        if (!Directory.Exists(directory))
        {
            LeNetOnnx.Builder.IO.AtomicDirectory.Write(directory, RecipeFile.Files(RecipeFile.ArtifactsOf(recipe), recipe));
        }

        return directory;
    }

    private static TrainingOutcome TrainCSharp(TrainingRecipe recipe, string runDirectory) =>
        new TrainingRun(recipe, Data, new TrainingRunOptions { RunDirectory = runDirectory, Device = ExecutionDevice.Cpu, Replicas = 1 }).Run();

    private static void RunNode(params string[] arguments)
    {
        (int code, string output, string error) = NodeRuntime.RunTool("train.mjs", arguments);
        Assert.AreEqual(0, code, output + error);
        Assert.AreEqual("", error);
    }

    private static float LargestDifference(IReadOnlyDictionary<string, float[]> expected, IReadOnlyDictionary<string, float[]> actual)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), actual.Keys.ToArray());
        float largest = 0;
        foreach ((string name, float[] values) in expected)
        {
            Assert.HasCount(values.Length, actual[name], name);
            for (int i = 0; i < values.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(values[i] - actual[name][i]));
            }
        }

        return largest;
    }
}
