using System.Collections.Concurrent;
using static LeNetOnnx.Runtime.Tests.Batching.BatchingTestSupport;

namespace LeNetOnnx.Runtime.Tests.Batching;

[TestClass]
public sealed class BatchingClassifierCancellationTests
{
    private static LeNetClassifier classifier => TestModels.SharedClassic;

    [TestMethod]
    public async Task BatchingClassifier_AlreadyCancelledTokenQueuesNothing()
    {
        await using var batching = new BatchingClassifier(classifier);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        ValueTask<Prediction> result = batching.ClassifyAsync(new byte[784].AsMemory(), cancelled.Token);

        Assert.IsTrue(result.IsCanceled);
        Assert.AreEqual(0, batching.PendingCount);
        OperationCanceledException e = await Assert.ThrowsAsync<OperationCanceledException>(async () => await result);
        Assert.AreEqual(cancelled.Token, e.CancellationToken);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_RequestCancelledWhileQueuedCompletesAtOnceAndNeverRuns()
    {
        float[][] images = Images(3, seed: 51);
        Prediction[] expected = SerialAnswers(classifier, images);
        using var runner = new GatedRunner(classifier);
        await using var batching = new BatchingClassifier(classifier, null, runner.Run);
        using var cancellation = new CancellationTokenSource();

        ValueTask<Prediction> running = batching.ClassifyAsync(images[0].AsMemory());
        await runner.BatchStartedAsync();
        ValueTask<Prediction> cancelled = batching.ClassifyAsync(images[1].AsMemory(), cancellation.Token);
        ValueTask<Prediction> queued = batching.ClassifyAsync(images[2].AsMemory(), CancellationToken.None);
        await cancellation.CancelAsync();

        // Answered while the worker is still held in the first batch.
        OperationCanceledException e = await Assert.ThrowsAsync<OperationCanceledException>(async () => await cancelled);
        Assert.AreEqual(cancellation.Token, e.CancellationToken);

        runner.Open();
        AssertSame(expected[0], await running, "the running request");
        AssertSame(expected[2], await queued, "the request queued behind the cancelled one");
        CollectionAssert.AreEqual(new[] { 1, 1 }, runner.BatchSizes.ToArray(), "the cancelled request must not run");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_RequestCancelledWhileItsBatchRunsGetsCancellationNotItsAnswer()
    {
        float[][] images = Images(3, seed: 52);
        Prediction[] expected = SerialAnswers(classifier, images);
        using var runner = new GatedRunner(classifier);
        await using var batching = new BatchingClassifier(classifier, null, runner.Run);
        using var cancellation = new CancellationTokenSource();

        ValueTask<Prediction> cancelled = batching.ClassifyAsync(images[0].AsMemory(), cancellation.Token);
        await runner.BatchStartedAsync();
        await cancellation.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await cancelled);

        runner.Open();
        for (int i = 1; i < images.Length; i++)
        {
            AssertSame(expected[i], await batching.ClassifyAsync(images[i].AsMemory()), $"request {i} after the dropped answer");
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_CancellationStormNeverMixesUpAnswers()
    {
        const int Requests = 2000;
        float[][] images = Images(Requests, seed: 53);
        Prediction[] expected = SerialAnswers(classifier, images);
        var random = new Random(20240611);

        // Which requests are cancelled and how, decided up front by the seed. The moments are
        // left to the scheduler on purpose: before the write, while queued, while running, after.
        var plans = Enumerable.Range(0, Requests)
            .Select(_ => (Cancel: random.Next(2) == 0, How: random.Next(5), Amount: random.Next(2000)))
            .ToArray();
        await using var batching = new BatchingClassifier(classifier, new BatchingOptions { MaxBatchSize = 32, QueueCapacity = Requests });
        var failures = new ConcurrentQueue<string>();
        int answered = 0;
        int cancelledAnswered = 0;
        int cancelledCancelled = 0;

        Task[] requests = [.. Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            (bool cancel, int how, int amount) = plans[i];
            using var cancellation = new CancellationTokenSource();
            if (cancel && how == 0)
            {
                cancellation.CancelAfter(TimeSpan.FromTicks(amount * 10));
            }

            ValueTask<Prediction> result = batching.ClassifyAsync(images[i].AsMemory(), cancellation.Token);
            if (cancel)
            {
                switch (how)
                {
                    case 1:
                        await cancellation.CancelAsync();
                        break;
                    case 2:
                        await Task.Yield();
                        await cancellation.CancelAsync();
                        break;
                    case 3:
                        Thread.SpinWait(amount * 50);
                        await cancellation.CancelAsync();
                        break;
                    case 4:
                        _ = Task.Run(() => cancellation.Cancel());
                        break;
                }
            }

            try
            {
                Prediction prediction = await result;
                if (Difference(expected[i], prediction) is string difference)
                {
                    failures.Enqueue($"request {i} (cancel {cancel}, how {how}): {difference}");
                }

                Interlocked.Increment(ref cancel ? ref cancelledAnswered : ref answered);
            }
            catch (OperationCanceledException e)
            {
                if (!cancel)
                {
                    failures.Enqueue($"request {i} was never cancelled but got {e.GetType().Name}");
                }
                else if (e.CancellationToken != cancellation.Token)
                {
                    failures.Enqueue($"request {i} got another request's cancellation");
                }

                Interlocked.Increment(ref cancelledCancelled);
            }
            catch (Exception e)
            {
                failures.Enqueue($"request {i}: {e}");
            }
        }))];
        await Task.WhenAll(requests);
        await batching.DisposeAsync();

        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(10)));
        int cancelRequested = plans.Count(p => p.Cancel);
        Assert.AreEqual(Requests - cancelRequested, answered);
        Assert.AreEqual(cancelRequested, cancelledAnswered + cancelledCancelled);
        Assert.AreEqual(0, batching.PendingCount);
    }
}
