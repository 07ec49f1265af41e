using static LeNetOnnx.Runtime.Tests.Batching.BatchingTestSupport;

namespace LeNetOnnx.Runtime.Tests.Batching;

[TestClass]
public sealed class BatchingClassifierQueueTests
{
    private static LeNetClassifier classifier => TestModels.SharedClassic;

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_FullQueueRefusesAtOnce()
    {
        float[][] images = Images(6, seed: 41);
        Prediction[] expected = SerialAnswers(classifier, images);
        using var runner = new GatedRunner(classifier);
        await using var batching = new BatchingClassifier(classifier, new BatchingOptions { QueueCapacity = 4 }, runner.Run);
        using var recorder = new MeasurementRecorder(batching.Meter);

        // The worker holds the first request inside its batch; three more fill the queue.
        ValueTask<Prediction>[] accepted = new ValueTask<Prediction>[4];
        accepted[0] = batching.ClassifyAsync(images[0].AsMemory());
        await runner.BatchStartedAsync();
        for (int i = 1; i < 4; i++)
        {
            accepted[i] = batching.ClassifyAsync(images[i].AsMemory());
        }

        Assert.AreEqual(4, batching.PendingCount);
        BatchingQueueFullException full = Assert.ThrowsExactly<BatchingQueueFullException>(() => batching.ClassifyAsync(images[4].AsMemory()));
        Assert.AreEqual(4, full.Capacity);
        Assert.Contains("4 requests", full.Message);
        Assert.Contains("QueueCapacity", full.Message);
        Assert.ThrowsExactly<BatchingQueueFullException>(() => batching.ClassifyAsync(new byte[784].AsMemory()));
        Assert.AreEqual(4, batching.PendingCount);
        CollectionAssert.AreEqual(new double[] { 1, 1 }, recorder.Values(RuntimeMetrics.BatchingRejected));

        runner.Open();
        for (int i = 0; i < 4; i++)
        {
            AssertSame(expected[i], await accepted[i], $"request {i}");
        }

        // Answers free their slots before they go out: room again at once.
        AssertSame(expected[5], await batching.ClassifyAsync(images[5].AsMemory()), "after the queue drained");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_DisposeAnswersEverythingQueuedThenRefuses()
    {
        float[][] images = Images(21, seed: 42);
        Prediction[] expected = SerialAnswers(classifier, images);
        using var runner = new GatedRunner(classifier);
        var batching = new BatchingClassifier(classifier, new BatchingOptions { MaxBatchSize = 8 }, runner.Run);

        var accepted = new List<ValueTask<Prediction>> { batching.ClassifyAsync(images[0].AsMemory()) };
        await runner.BatchStartedAsync();
        for (int i = 1; i < images.Length; i++)
        {
            accepted.Add(batching.ClassifyAsync(images[i].AsMemory()));
        }

        ValueTask disposing = batching.DisposeAsync();
        Assert.ThrowsExactly<ObjectDisposedException>(() => batching.ClassifyAsync(images[0].AsMemory()));
        Assert.IsFalse(disposing.IsCompleted, "dispose must wait for the queued requests");

        runner.Open();
        await disposing;

        Assert.AreEqual(0, batching.PendingCount);
        for (int i = 0; i < images.Length; i++)
        {
            Assert.IsTrue(accepted[i].IsCompleted, $"request {i} was not answered before dispose returned");
            AssertSame(expected[i], await accepted[i], $"request {i}");
        }

        CollectionAssert.AreEqual(new[] { 1, 8, 8, 4 }, runner.BatchSizes.ToArray());
        Assert.ThrowsExactly<ObjectDisposedException>(() => batching.ClassifyAsync(images[0].AsMemory()));
        Assert.ThrowsExactly<ObjectDisposedException>(() => batching.ClassifyAsync(new byte[784].AsMemory()));
        await batching.DisposeAsync();
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_DisposeRightAfterABurstAnswersAllOfIt()
    {
        float[][] images = Images(500, seed: 43);
        Prediction[] expected = SerialAnswers(classifier, images);
        var batching = new BatchingClassifier(classifier, new BatchingOptions { MaxDelay = TimeSpan.FromSeconds(1) });

        ValueTask<Prediction>[] accepted = [.. images.Select(image => batching.ClassifyAsync(image.AsMemory()))];
        await batching.DisposeAsync();

        for (int i = 0; i < images.Length; i++)
        {
            Assert.IsTrue(accepted[i].IsCompleted, $"request {i} was not answered before dispose returned");
            AssertSame(expected[i], await accepted[i], $"request {i}");
        }
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_ADisposedClassifierFailsItsBatchesNotTheWorker()
    {
        LeNetClassifier doomed = LeNetClassifier.FromBytes(TestModels.Classic);
        await using var batching = new BatchingClassifier(doomed);
        doomed.Dispose();

        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await batching.ClassifyAsync(new byte[784].AsMemory()));
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await batching.ClassifyAsync(new byte[784].AsMemory()));
        Assert.AreEqual(0, batching.PendingCount);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(783)]
    [DataRow(785)]
    [DataRow(784 * 2)]
    public async Task BatchingClassifier_WrongImageLengthIsRefusedBeforeQueueing(int length)
    {
        await using var batching = new BatchingClassifier(classifier);

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => batching.ClassifyAsync(new float[length].AsMemory()));
        Assert.AreEqual("image", e.ParamName);
        Assert.Contains("exactly 784", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => batching.ClassifyAsync(new byte[length].AsMemory()));
        Assert.AreEqual("image", e.ParamName);
        Assert.AreEqual(0, batching.PendingCount);
    }

    [TestMethod]
    [DataRow(float.NaN, 0)]
    [DataRow(float.PositiveInfinity, 500)]
    [DataRow(float.NegativeInfinity, 783)]
    public async Task BatchingClassifier_NonFinitePixelIsRefusedBeforeQueueing(float value, int index)
    {
        await using var batching = new BatchingClassifier(classifier);
        float[] image = TestModels.Images(1, seed: 44);
        image[index] = value;

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => batching.ClassifyAsync(image.AsMemory()));
        Assert.AreEqual("image", e.ParamName);
        Assert.Contains($"image[{index}]", e.Message);
        Assert.AreEqual(0, batching.PendingCount);
    }

    [TestMethod]
    public async Task BatchingClassifier_DefaultsAreTheDocumentedOnes()
    {
        await using var batching = new BatchingClassifier(classifier);

        Assert.AreEqual(new BatchingOptions { MaxBatchSize = 32, MaxDelay = TimeSpan.Zero, QueueCapacity = 1024 }, batching.Options);
        Assert.AreEqual(0, batching.PendingCount);
    }

    [TestMethod]
    public void BatchingClassifier_OptionsOutOfRangeAreRefused()
    {
        BatchingOptions[] invalid =
        [
            new() { MaxBatchSize = 0 },
            new() { MaxBatchSize = 4097 },
            new() { MaxDelay = TimeSpan.FromTicks(-1) },
            new() { MaxDelay = TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(1) },
            new() { QueueCapacity = 0 },
        ];
        string[] named = ["MaxBatchSize", "MaxBatchSize", "MaxDelay", "MaxDelay", "QueueCapacity"];

        for (int i = 0; i < invalid.Length; i++)
        {
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => new BatchingClassifier(classifier, invalid[i]));
            Assert.AreEqual("options", e.ParamName);
            Assert.Contains($"BatchingOptions.{named[i]}", e.Message);
        }

        Assert.ThrowsExactly<ArgumentNullException>(() => new BatchingClassifier(null!));
    }

    [TestMethod]
    public async Task BatchingClassifier_ExtremeOptionsWork()
    {
        float[][] images = Images(3, seed: 45);
        Prediction[] expected = SerialAnswers(classifier, images);
        await using var batching = new BatchingClassifier(
            classifier, new BatchingOptions { MaxBatchSize = 1, MaxDelay = TimeSpan.Zero, QueueCapacity = 1 });

        for (int i = 0; i < images.Length; i++)
        {
            AssertSame(expected[i], await batching.ClassifyAsync(images[i].AsMemory()), $"image {i}");
        }
    }
}
