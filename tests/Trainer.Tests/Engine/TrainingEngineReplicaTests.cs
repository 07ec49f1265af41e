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

    private static (Checkpoint Final, StepResult[] Steps) Train(TrainingArtifacts artifacts, int batchSize, int replicas, int steps)
    {
        var buffer = new BatchBuffer(batchSize, Images.PixelsPerImage);
        using SessionOptions options = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, 1, allowTf32: false);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, options, replicas);
        Assert.AreEqual(replicas, engine.Replicas);
        var batcher = new Batcher(Images, batchSize);
        int[] order = ShuffleOrder.ForEpoch(Images.Count, seed: 5, epoch: 0);
        var results = new StepResult[steps];
        for (int s = 0; s < steps; s++)
        {
            batcher.Fill(order, s, 0, buffer);
            results[s] = engine.TrainStep(artifacts.Checkpoint.Optimizer.Kind == OptimizerKind.Sgd ? 0.1f : 0.001f, s + 1);
        }

        return (engine.Snapshot(steps, 0, new Dictionary<string, string>()), results);
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
