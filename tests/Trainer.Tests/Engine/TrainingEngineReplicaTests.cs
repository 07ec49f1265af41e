using LeNetOnnx.Runtime;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Tests.Engine;

/// <summary>
/// Data-parallel replicas compute the same step as one session: the batch's mean loss, its
/// correct count and, through the size-weighted mean of the slices' gradients, the same update
/// (up to float rounding), for batches that split evenly, unevenly and not at all.
/// </summary>
[TestClass]
public sealed class TrainingEngineReplicaTests
{
    private static readonly ImageDataSet Images = RandomImages(count: 300, seed: 8);

    [TestMethod]
    [DataRow(OptimizerKind.Sgd, 64, 2)]
    [DataRow(OptimizerKind.Sgd, 7, 2)]
    [DataRow(OptimizerKind.Adam, 33, 3)]
    [DataRow(OptimizerKind.Adam, 1, 2)]
    public void TrainStep_ReplicasGiveTheStepOfOneSession(OptimizerKind kind, int batchSize, int replicas)
    {
        var optimizer = new OptimizerOptions { Kind = kind, LearningRate = kind == OptimizerKind.Sgd ? 0.1 : 0.001, Momentum = kind == OptimizerKind.Sgd ? 0.9 : 0 };
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, optimizer, seed: 3);

        (Checkpoint single, StepResult[] singleSteps) = Train(artifacts, batchSize, replicas: 1, steps: 3);
        (Checkpoint parallel, StepResult[] parallelSteps) = Train(artifacts, batchSize, replicas, steps: 3);

        for (int s = 0; s < singleSteps.Length; s++)
        {
            Assert.AreEqual(singleSteps[s].Correct, parallelSteps[s].Correct, $"step {s + 1}: correct count");
            Assert.AreEqual(singleSteps[s].Count, parallelSteps[s].Count);
            Assert.AreEqual(singleSteps[s].Loss, parallelSteps[s].Loss, 2e-6 * Math.Max(1, Math.Abs(singleSteps[s].Loss)), $"step {s + 1}: loss");
        }

        bool anyChanged = false;
        for (int i = 0; i < single.Tensors.Count; i++)
        {
            float[] expected = single.Tensors[i].Data;
            float[] actual = parallel.Tensors[i].Data;
            float scale = expected.Max(Math.Abs);
            float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            Assert.IsLessThanOrEqualTo(1e-5f * Math.Max(scale, 1e-3f), worst, $"{single.Tensors[i].Name}: max |single - replicas| {worst} against max |value| {scale}");
            anyChanged |= !expected.SequenceEqual(artifacts.Checkpoint.Tensors[i].Data);
        }

        Assert.IsTrue(anyChanged, "the steps must have changed the parameters");
    }

    [TestMethod]
    public void Evaluate_ReplicasGiveTheLogitsLossAndCountsOfOneSession()
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, seed: 4);
        var results = new List<(StepResult Result, float[] Logits)>();
        foreach (int replicas in new[] { 1, 2 })
        {
            var buffer = new BatchBuffer(99, Images.PixelsPerImage);
            using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
            using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas);

            // First one example, so that every replica but one has an empty slice when the frozen
            // eval model is made: each must still load it for the batches after.
            new Batcher(Images, 1).Fill(ShuffleOrder.Identity(Images.Count), 0, 0, buffer);
            Assert.AreEqual(1, engine.Evaluate().Count);
            new Batcher(Images, 99).Fill(ShuffleOrder.Identity(Images.Count), 0, 0, buffer);
            StepResult result = engine.Evaluate();
            results.Add((result, engine.Logits.ToArray()));
        }

        Assert.AreEqual(results[0].Result.Correct, results[1].Result.Correct);
        Assert.AreEqual(results[0].Result.Loss, results[1].Result.Loss, 1e-6);
        float worst = results[0].Logits.Zip(results[1].Logits, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsLessThanOrEqualTo(1e-6f, worst, "logits of single session vs two replicas");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void TrainStep_OnAPendingBatch_IsBitwiseTheStepOnTheFilledBuffer(int replicas)
    {
        var optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.001 };
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, optimizer, seed: 6);
        AssertBitwiseEqual(
            Train(artifacts, batchSize: 7, replicas, steps: 3),
            Train(artifacts, batchSize: 7, replicas, steps: 3, pendingBatches: true));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Evaluate_AfterTrainSteps_EvaluatesTheCurrentParameters(int replicas)
    {
        var optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.5 };
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, optimizer, seed: 2);
        var buffer = new BatchBuffer(40, Images.PixelsPerImage);
        using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas);
        var batcher = new Batcher(Images, 40);
        var next = new PendingBatch(batcher);
        int[] order = ShuffleOrder.Identity(Images.Count);

        next.Select(order, 0, 0);
        engine.Evaluate(next);
        float[] before = engine.Logits.ToArray();
        for (int s = 1; s <= 2; s++)
        {
            next.Select(order, s, 0);
            engine.TrainStep(next, 0.5f, s);
        }

        next.Select(order, 0, 0);
        StepResult after = engine.Evaluate(next);
        float[] logits = engine.Logits.ToArray();

        // The eval artifact fed the engine's current parameters: what the evaluation must give.
        using var eval = new InferenceSession(artifacts.EvalModel, options);
        var inputs = new List<(string Name, OrtValue Value)>
        {
            ("image", OrtValue.CreateTensorValueFromMemory(buffer.Images.ToArray()[..(40 * 784)], [40, 1, 28, 28])),
            (TrainingModels.LabelsInput, OrtValue.CreateTensorValueFromMemory(buffer.Labels.ToArray()[..40], [40])),
        };
        foreach ((string name, float[] values) in engine.Parameters())
        {
            inputs.Add((name, OrtValue.CreateTensorValueFromMemory(values, artifacts.Checkpoint.Tensors.Single(t => t.Name == name).Shape.ToArray())));
        }

        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> expected = eval.Run(runOptions, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), [TrainingModels.LossOutput, TrainingModels.CorrectOutput, "logits"]);
        foreach ((_, OrtValue value) in inputs)
        {
            value.Dispose();
        }

        Assert.AreEqual(expected[1].GetTensorDataAsSpan<long>()[0], after.Correct);
        Assert.AreEqual(expected[0].GetTensorDataAsSpan<float>()[0], after.Loss, 1e-5);
        float[] expectedLogits = expected[2].GetTensorDataAsSpan<float>().ToArray();
        Assert.IsLessThanOrEqualTo(1e-5f, expectedLogits.Zip(logits, (e, a) => Math.Abs(e - a)).Max(), "logits after the steps");
        Assert.IsGreaterThan(1e-3f, before.Zip(logits, (b, a) => Math.Abs(b - a)).Max(), "the steps must have changed the logits");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void MeasureKernelThroughput_BetweenSteps_LeavesTheTrajectoryBitwiseAlone(int replicas)
    {
        var optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.001 };
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, optimizer, seed: 4);
        AssertBitwiseEqual(
            Train(artifacts, batchSize: 9, replicas, steps: 3, pendingBatches: true),
            Train(artifacts, batchSize: 9, replicas, steps: 3, pendingBatches: true, measureAfterStep: 1));
    }

    [TestMethod]
    public void MeasureKernelThroughput_RefusesADurationThatIsNotPositive()
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, seed: 2);
        var buffer = new BatchBuffer(8, Images.PixelsPerImage);
        new Batcher(Images, 8).Fill(ShuffleOrder.Identity(Images.Count), 0, 0, buffer);
        using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas: 2);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => engine.MeasureKernelThroughput(TimeSpan.Zero));
        Assert.IsGreaterThan(0, engine.MeasureKernelThroughput(TimeSpan.FromMilliseconds(20)));
    }

    [TestMethod]
    public void TrainStep_OnAPendingBatchLargerThanTheBuffer_IsRefusedAndLeavesTheBufferAlone()
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1 }, seed: 2);
        var buffer = new BatchBuffer(40, Images.PixelsPerImage);
        using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas: 2);
        var next = new PendingBatch(new Batcher(Images, 50));
        next.Select(ShuffleOrder.Identity(Images.Count), 0, 0);

        InvalidOperationException e = Assert.ThrowsExactly<InvalidOperationException>(() => engine.TrainStep(next, 0.1f, 1));
        StringAssert.Contains(e.Message, "50 examples");
        Assert.AreEqual(0, buffer.Count);
    }

    [TestMethod]
    public void TrainingRun_ResumingWithAnotherReplicaCountIsRefusedNamingTheCount()
    {
        using var dir = new TemporaryDirectory();
        DataSetSplits data = DataSetSplits.Create(FashionMnist.Description, "random", Images, Images);
        TrainingRecipe recipe = Recipes.D2l with { BatchSize = 50, Epochs = 2 };
        new TrainingRun(recipe, data, new TrainingRunOptions { RunDirectory = dir.Path, Device = ExecutionDevice.Cpu, Threads = 1, Replicas = 2, StopAfterEpochs = 1 }).Run();

        var resumed = new TrainingRun(recipe, data, new TrainingRunOptions { RunDirectory = dir.Path, Device = ExecutionDevice.Cpu, Threads = 1, Replicas = 1, Resume = true });
        TrainingException e = Assert.ThrowsExactly<TrainingException>(() => resumed.Run());
        StringAssert.Contains(e.Message, "--replicas 2");
    }

    private static (Checkpoint Final, StepResult[] Steps) Train(TrainingArtifacts artifacts, int batchSize, int replicas, int steps, bool pendingBatches = false, int measureAfterStep = -1)
    {
        var buffer = new BatchBuffer(batchSize, Images.PixelsPerImage);
        using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas);
        Assert.AreEqual(replicas, engine.Replicas);
        var batcher = new Batcher(Images, batchSize);
        int[] order = ShuffleOrder.ForEpoch(Images.Count, seed: 5, epoch: 0);
        var results = new StepResult[steps];
        var next = new PendingBatch(batcher);
        float rate = artifacts.Checkpoint.Optimizer.Kind == OptimizerKind.Sgd ? 0.1f : 0.001f;
        for (int s = 0; s < steps; s++)
        {
            if (pendingBatches)
            {
                next.Select(order, s, 0);
                results[s] = engine.TrainStep(next, rate, s + 1);
            }
            else
            {
                batcher.Fill(order, s, 0, buffer);
                results[s] = engine.TrainStep(rate, s + 1);
            }

            if (s == measureAfterStep)
            {
                // Free runs on whatever the buffer holds, then the next step fills its own batch.
                double examplesPerSecond = engine.MeasureKernelThroughput(TimeSpan.FromMilliseconds(30));
                Assert.IsTrue(double.IsFinite(examplesPerSecond) && examplesPerSecond > 0, $"{examplesPerSecond}");
            }
        }

        return (engine.Snapshot(steps, 0, new Dictionary<string, string>()), results);
    }

    /// <summary>The same step results and, bit for bit, the same final tensors.</summary>
    private static void AssertBitwiseEqual((Checkpoint Final, StepResult[] Steps) expected, (Checkpoint Final, StepResult[] Steps) actual)
    {
        CollectionAssert.AreEqual(expected.Steps, actual.Steps);
        for (int i = 0; i < expected.Final.Tensors.Count; i++)
        {
            CollectionAssert.AreEqual(expected.Final.Tensors[i].Data, actual.Final.Tensors[i].Data, expected.Final.Tensors[i].Name);
        }
    }

    private static ImageDataSet RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        byte[] images = new byte[count * 784];
        byte[] labels = new byte[count];
        random.NextBytes(images);
        for (int n = 0; n < count; n++)
        {
            labels[n] = (byte)random.Next(10);
        }

        return new ImageDataSet("random", images, labels, 28, 28, 10);
    }
}
