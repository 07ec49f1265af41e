using System.Collections.Concurrent;
using static LeNetOnnx.Runtime.Tests.Batching.BatchingTestSupport;

namespace LeNetOnnx.Runtime.Tests.Batching;

[TestClass]
public sealed class BatchingClassifierAnswerTests
{
    private static LeNetClassifier classifier => TestModels.SharedClassic;

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_FloatAnswersEqualTheClassifiersAnswers()
    {
        float[][] images = Images(200, seed: 31);
        Prediction[] expected = SerialAnswers(classifier, images);
        await using var batching = new BatchingClassifier(classifier);

        // All in flight at once, so they share batches of different sizes.
        ValueTask<Prediction>[] pending = [.. images.Select(image => batching.ClassifyAsync(image.AsMemory()))];
        for (int i = 0; i < images.Length; i++)
        {
            AssertSame(expected[i], await pending[i], $"image {i}");
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_ByteAnswersEqualTheClassifiersAnswers()
    {
        byte[] all = TestModels.Pixels(200, seed: 32);
        byte[][] images = [.. Enumerable.Range(0, 200).Select(i => all.AsSpan(i * 784, 784).ToArray())];
        Prediction[] expected = [.. images.Select(image => classifier.Classify(image))];
        await using var batching = new BatchingClassifier(classifier);

        ValueTask<Prediction>[] pending = [.. images.Select(image => batching.ClassifyAsync(image.AsMemory()))];
        for (int i = 0; i < images.Length; i++)
        {
            AssertSame(expected[i], await pending[i], $"image {i}");
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_CallerMayReuseItsBufferOnceTheCallReturns()
    {
        float[][] images = Images(2, seed: 33);
        Prediction[] expected = SerialAnswers(classifier, images);
        await using var batching = new BatchingClassifier(classifier);
        float[] buffer = (float[])images[0].Clone();

        ValueTask<Prediction> first = batching.ClassifyAsync(buffer.AsMemory());
        images[1].CopyTo(buffer, 0);
        ValueTask<Prediction> second = batching.ClassifyAsync(buffer.AsMemory());

        AssertSame(expected[0], await first, "first");
        AssertSame(expected[1], await second, "second");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_ManyConcurrentCallersGetExactlyTheSerialAnswers()
    {
        const int Callers = 64;
        const int RequestsPerCaller = 200;
        float[][] images = Images(1000, seed: 34);
        Prediction[] expected = SerialAnswers(classifier, images);
        await using var batching = new BatchingClassifier(classifier);
        using var recorder = new MeasurementRecorder(batching.Meter);
        var failures = new ConcurrentQueue<string>();
        int answered = 0;

        Task[] callers = [.. Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random(7000 + caller);
            for (int request = 0; request < RequestsPerCaller; request++)
            {
                int i = random.Next(images.Length);
                Prediction actual = await batching.ClassifyAsync(images[i].AsMemory());
                if (Difference(expected[i], actual) is string difference)
                {
                    failures.Enqueue($"caller {caller}, request {request}, image {i}: {difference}");
                }

                Interlocked.Increment(ref answered);
            }
        }))];
        await Task.WhenAll(callers);

        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(10)));
        Assert.AreEqual(Callers * RequestsPerCaller, answered);
        double[] batchSizes = recorder.Values(RuntimeMetrics.BatchingBatchSize);
        Assert.AreEqual(Callers * RequestsPerCaller, batchSizes.Sum(), "every request ran in exactly one batch");
        Assert.IsGreaterThan(1, batchSizes.Max(), "concurrent callers should share batches");
        Assert.IsLessThanOrEqualTo(batching.Options.MaxBatchSize, batchSizes.Max());
    }
}
