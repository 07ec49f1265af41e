using LeNetOnnx.Runtime;
using LeNetOnnx.Builder;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Trainer.Tests.Loop;

[TestClass]
public sealed class TrainingRunTests
{
    private static readonly DataSetSplits Data = SyntheticData(train: 700, test: 200);

    private static readonly TrainingRecipe Recipe = Recipes.D2l with
    {
        Variant = LeNetVariants.ReluMax,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.002 },
        BatchSize = 64,
        Epochs = 3,
        Seed = 5,
        Augmentation = new Augmentation { MaxShift = 2, HorizontalFlip = true, Seed = 5 },
    };

    [TestMethod]
    public void TrainingRun_SameSeedGivesIdenticalWeightsAndMetrics()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();
        TrainingOutcome a = Run(first.Path);
        TrainingOutcome b = Run(second.Path);
        AssertSameTensors(a.Checkpoint, b.Checkpoint);
        CollectionAssert.AreEqual(a.Metrics.Select(m => (m.Loss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy)).ToArray(), b.Metrics.Select(m => (m.Loss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy)).ToArray());
        Assert.IsGreaterThan(0.5, a.Metrics[^1].TestAccuracy, "the synthetic classes are learnable; chance is 0.1");
    }

    [TestMethod]
    public void TrainingRun_ResumedAfterAnEpochEndsBitwiseLikeAnUninterruptedRun()
    {
        using var whole = new TemporaryDirectory();
        using var split = new TemporaryDirectory();
        TrainingOutcome uninterrupted = Run(whole.Path);
        TrainingOutcome part = Run(split.Path, stopAfter: 1);
        Assert.AreEqual(1, part.Checkpoint.Epoch);
        TrainingOutcome resumed = Run(split.Path, resume: true);
        Assert.AreEqual(3, resumed.Checkpoint.Epoch);
        AssertSameTensors(uninterrupted.Checkpoint, resumed.Checkpoint);
        Assert.HasCount(3, resumed.Metrics);
        Assert.AreEqual(uninterrupted.Metrics[^1].TestAccuracy, resumed.Metrics[^1].TestAccuracy);
    }

    [TestMethod]
    public void TrainingRun_ResumedWhenFinishedWithoutItsMetrics_SaysWhatIsMissing()
    {
        // A finished checkpoint brought alone into a run directory (the browser's Train tab offers one).
        using var run = new TemporaryDirectory();
        Run(run.Path);
        File.Delete(run.File(TrainingRun.MetricsFileName));
        TrainingException refused = Assert.ThrowsExactly<TrainingException>(() => Run(run.Path, resume: true));
        StringAssert.Contains(refused.Message, "has finished all 3 epochs");
        StringAssert.Contains(refused.Message, "metrics.jsonl");
    }

    [TestMethod]
    public void TrainingRun_CancelledMidEpochCheckpointsAndResumesBitwise()
    {
        using var whole = new TemporaryDirectory();
        using var split = new TemporaryDirectory();
        TrainingOutcome uninterrupted = Run(whole.Path);

        using var cancellation = new CancellationTokenSource();
        var run = new TrainingRun(Recipe, Data, new TrainingRunOptions { RunDirectory = split.Path, Device = ExecutionDevice.Cpu, Threads = 1 });
        int steps = 0;
        run.StepCompleted += (_, _) =>
        {
            if (++steps == 17)
            {
                cancellation.Cancel();
            }
        };
        Assert.ThrowsExactly<OperationCanceledException>(() => run.Run(cancellation.Token));
        Checkpoint interrupted = CheckpointFile.Read(split.File(TrainingRun.CheckpointFileName));
        Assert.AreEqual(17, interrupted.Step);
        Assert.AreEqual(1, interrupted.Epoch, "17 steps of 11 per epoch: inside the second epoch");

        TrainingOutcome resumed = Run(split.Path, resume: true);
        AssertSameTensors(uninterrupted.Checkpoint, resumed.Checkpoint);
        Assert.AreEqual(uninterrupted.Metrics[1].Loss, resumed.Metrics[1].Loss, "the interrupted epoch's mean loss must be carried over exactly");
    }

    [TestMethod]
    public void TrainingRun_NaNLossStopsNamingEpochAndStepAndKeepsTheLastCheckpoint()
    {
        using var dir = new TemporaryDirectory();
        TrainingRecipe exploding = Recipe with { Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 1e20 } };
        var run = new TrainingRun(exploding, Data, new TrainingRunOptions { RunDirectory = dir.Path, Device = ExecutionDevice.Cpu, Threads = 1 });
        TrainingDivergedException e = Assert.ThrowsExactly<TrainingDivergedException>(() => run.Run());
        StringAssert.Contains(e.Message, "epoch 1, step");
        StringAssert.Contains(e.Message, "Lower the learning rate");
        StringAssert.Contains(e.Message, "no checkpoint had been written yet");
        Assert.IsFalse(File.Exists(dir.File(TrainingRun.CheckpointFileName)), "no epoch completed, so no checkpoint may claim one");
        Assert.IsFalse(File.Exists(dir.File(StepLog.FileName)), "nothing of the diverged epoch is written");
    }

    [TestMethod]
    public void TrainingRun_ExplodingFiniteLossStopsAfterTheLastGoodEpochAndKeepsItsCheckpoint()
    {
        // The 1998 net at lr 3 swings its scaled tanh into saturation: the loss settles far above
        // chance and stays finite, which a NaN check alone would let through. An epoch here is 11
        // steps, fewer than the guard's window of 20, so the first epoch ends and is checkpointed.
        using var dir = new TemporaryDirectory();
        TrainingRecipe exploding = Recipe with { Variant = LeNetVariants.Original, Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 3 } };
        Run(exploding, dir.Path, stopAfter: 1);
        byte[] good = File.ReadAllBytes(dir.File(TrainingRun.CheckpointFileName));
        string metrics = File.ReadAllText(dir.File(TrainingRun.MetricsFileName));

        TrainingDivergedException e = Assert.ThrowsExactly<TrainingDivergedException>(() => Run(exploding, dir.Path, resume: true));
        StringAssert.Contains(e.Message, "over the last 20 steps");
        StringAssert.Contains(e.Message, "epoch 2, step 9 of 11 (global step 20)");
        StringAssert.Contains(e.Message, "the last good checkpoint stays in");
        CollectionAssert.AreEqual(good, File.ReadAllBytes(dir.File(TrainingRun.CheckpointFileName)), "the last good checkpoint is left as it was");
        Assert.AreEqual(metrics, File.ReadAllText(dir.File(TrainingRun.MetricsFileName)));
    }

    [TestMethod]
    public void TrainingRun_StepsFileHasEveryStepAndResumesToTheUninterruptedRunsLines()
    {
        using var whole = new TemporaryDirectory();
        using var split = new TemporaryDirectory();
        TrainingOutcome uninterrupted = Run(whole.Path);
        string[] lines = File.ReadAllLines(whole.File(StepLog.FileName));
        Assert.AreEqual(StepLog.Header, lines[0]);
        Assert.HasCount((int)uninterrupted.Checkpoint.Step + 1, lines, "a header and one line per step");
        Assert.AreEqual(uninterrupted.Metrics[0].Loss, StepLog.Read(whole.File(StepLog.FileName), 11).Average(s => (double)s.Loss * s.Examples) * 11 / 700, 1e-6, "700 images are 11 steps of 64 or fewer; the epoch's loss is their weighted mean");

        Run(split.Path, stopAfter: 1);
        File.WriteAllLines(split.File(StepLog.FileName), lines[..20]);
        Run(split.Path, resume: true);
        CollectionAssert.AreEqual(lines, File.ReadAllLines(split.File(StepLog.FileName)), "lines past the checkpoint are dropped and trained again");
    }

    [TestMethod]
    public void TrainingRun_LossDivisorScalesTheLastBatchsStepLikeMxnetsTrainerStep()
    {
        // 700 images in batches of 64: ten full batches and one of 60. With a divisor of 64 the full
        // batches step as with the mean; the last one takes 60/64 of a step.
        using var mean = new TemporaryDirectory();
        using var summed = new TemporaryDirectory();
        using var quarter = new TemporaryDirectory();
        TrainingRecipe sgd = Recipe with { Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, Epochs = 1, Augmentation = default };
        Checkpoint a = Run(sgd, mean.Path).Checkpoint;
        Checkpoint b = Run(sgd with { LossDivisor = 64 }, summed.Path).Checkpoint;
        Checkpoint c = Run(sgd with { LossDivisor = 256 }, quarter.Path).Checkpoint;
        Assert.AreNotEqual(0, MaxDifference(a, b), "the last batch's step differs");
        Assert.IsLessThan(MaxDifference(a, c), MaxDifference(a, b), "a larger divisor moves the weights less like the mean's");
        CollectionAssert.AreEqual(
            File.ReadAllLines(mean.File(StepLog.FileName))[..11],
            File.ReadAllLines(summed.File(StepLog.FileName))[..11],
            "the full batches' steps are the same: their gradient is scaled by 64/64");
        StringAssert.Contains(TrainingRun.Describe(sgd with { LossDivisor = 64 }), "summed loss / 64");
    }

    [TestMethod]
    public void TrainingRun_ResumingAnotherRecipesCheckpointIsRefused()
    {
        using var dir = new TemporaryDirectory();
        Run(dir.Path, stopAfter: 1);
        var other = new TrainingRun(Recipe with { BatchSize = 32 }, Data, new TrainingRunOptions { RunDirectory = dir.Path, Resume = true, Device = ExecutionDevice.Cpu, Threads = 1 });
        StringAssert.Contains(Assert.ThrowsExactly<TrainingException>(() => other.Run()).Message, "another recipe");
    }

    [TestMethod]
    public void TrainingRun_WritesOneMetricsLinePerEpoch()
    {
        using var dir = new TemporaryDirectory();
        Run(dir.Path);
        string[] lines = File.ReadAllLines(dir.File(TrainingRun.MetricsFileName));
        Assert.HasCount(3, lines);
        StringAssert.StartsWith(lines[2], "{\"epoch\":3,");
    }

    [TestMethod]
    public void TrainingRun_FailingToWriteMetricsLeavesNoCheckpointClaimingThatEpoch()
    {
        using var whole = new TemporaryDirectory();
        using var dir = new TemporaryDirectory();
        TrainingOutcome uninterrupted = Run(whole.Path);

        // A directory under the metrics file's name makes its write fail, as a kill between the
        // epoch's two writes would cut it short.
        Directory.CreateDirectory(dir.File(TrainingRun.MetricsFileName));
        Assert.ThrowsExactly<OutputPathException>(() => Run(dir.Path));
        Assert.IsFalse(File.Exists(dir.File(TrainingRun.CheckpointFileName)), "a checkpoint of epoch 1 without its metrics line would lose that line on resume");

        Directory.Delete(dir.File(TrainingRun.MetricsFileName));
        TrainingOutcome rerun = Run(dir.Path);
        AssertSameMetrics(uninterrupted.Metrics, rerun.Metrics);
    }

    [TestMethod]
    public void TrainingRun_ResumeDropsAMetricsLineWhoseCheckpointWasNotWritten()
    {
        using var whole = new TemporaryDirectory();
        using var split = new TemporaryDirectory();
        Run(whole.Path);
        Run(split.Path, stopAfter: 1);

        // Killed after writing epoch 2's metrics line, before its checkpoint.
        File.WriteAllLines(split.File(TrainingRun.MetricsFileName), File.ReadAllLines(whole.File(TrainingRun.MetricsFileName))[..2]);
        TrainingOutcome resumed = Run(split.Path, resume: true);

        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, resumed.Metrics.Select(m => m.Epoch).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, File.ReadAllLines(split.File(TrainingRun.MetricsFileName)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("epoch").GetInt32()).ToArray());
    }

    [TestMethod]
    public void TrainingRun_ResumedAfterTheLastEpochStillReportsTheTestSet()
    {
        using var dir = new TemporaryDirectory();
        TrainingOutcome finished = Run(dir.Path);
        TrainingOutcome resumed = Run(dir.Path, resume: true);
        Assert.IsNotNull(resumed.TestConfusion, "the export and the plots need the test confusion matrix");
        Assert.AreEqual(finished.TestConfusion!.Accuracy, resumed.TestConfusion.Accuracy);
        CollectionAssert.AreEqual(finished.TestPredictions.ToArray(), resumed.TestPredictions.ToArray());
        Assert.AreEqual(finished.Checkpoint.Step, resumed.Checkpoint.Step);
        AssertSameMetrics(finished.Metrics, resumed.Metrics);
    }

    [TestMethod]
    public void TrainingRun_TrainImagesTrainsOnTheFirstImagesOnlyAndIsPartOfTheRecipe()
    {
        using var dir = new TemporaryDirectory();
        TrainingRecipe limited = Recipe with { TrainImages = 300 };
        TrainingOutcome outcome = new TrainingRun(limited, Data, new TrainingRunOptions { RunDirectory = dir.Path, Device = ExecutionDevice.Cpu, Threads = 1 }).Run();
        Assert.AreEqual(3 * 5, outcome.Checkpoint.Step, "300 images in batches of 64: 5 steps per epoch");
        StringAssert.EndsWith(TrainingRun.Describe(limited), ", first 300 training images");
        Assert.IsFalse(TrainingRun.Describe(Recipe).Contains("training images", StringComparison.Ordinal), "recipes without a limit keep their description (and so their checkpoints)");

        var whole = new TrainingRun(Recipe, Data, new TrainingRunOptions { RunDirectory = dir.Path, Resume = true, Device = ExecutionDevice.Cpu, Threads = 1 });
        StringAssert.Contains(Assert.ThrowsExactly<TrainingException>(() => whole.Run()).Message, "another recipe");
        Assert.ThrowsExactly<InvalidOptionException>(() => (Recipe with { TrainImages = 0 }).Validate());
    }

    private static TrainingOutcome Run(string directory, int? stopAfter = null, bool resume = false) => Run(Recipe, directory, stopAfter, resume);

    private static TrainingOutcome Run(TrainingRecipe recipe, string directory, int? stopAfter = null, bool resume = false) =>
        new TrainingRun(recipe, Data, new TrainingRunOptions { RunDirectory = directory, Resume = resume, StopAfterEpochs = stopAfter, Device = ExecutionDevice.Cpu, Threads = 1 }).Run();

    private static float MaxDifference(Checkpoint x, Checkpoint y) =>
        x.Tensors.Zip(y.Tensors).Max(pair => pair.First.Data.Zip(pair.Second.Data).Max(v => Math.Abs(v.First - v.Second)));

    private static void AssertSameMetrics(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual) =>
        CollectionAssert.AreEqual(
            expected.Select(m => (m.Epoch, m.Loss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy)).ToArray(),
            actual.Select(m => (m.Epoch, m.Loss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy)).ToArray());

    private static void AssertSameTensors(Checkpoint expected, Checkpoint actual)
    {
        Assert.AreEqual(expected.Step, actual.Step);
        for (int i = 0; i < expected.Tensors.Count; i++)
        {
            CollectionAssert.AreEqual(expected.Tensors[i].Data, actual.Tensors[i].Data, expected.Tensors[i].Name);
        }
    }

    /// <summary>Noise images with a class-dependent bright bar, so a LeNet can learn them in a few epochs.</summary>
    private static DataSetSplits SyntheticData(int train, int test)
    {
        static ImageDataSet Make(string name, int count, int seed)
        {
            var random = new Random(seed);
            byte[] images = new byte[count * 784];
            byte[] labels = new byte[count];
            for (int n = 0; n < count; n++)
            {
                int label = random.Next(10);
                labels[n] = (byte)label;
                for (int p = 0; p < 784; p++)
                {
                    int row = p / 28;
                    images[(n * 784) + p] = (byte)(row / 2 == label + 2 ? 200 + random.Next(56) : random.Next(90));
                }
            }

            return new ImageDataSet(name, images, labels, 28, 28, 10);
        }

        return DataSetSplits.Create(FashionMnist.Description, "synthetic", Make("train", train, 1), Make("test", test, 2));
    }
}
