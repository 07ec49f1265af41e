using System.Collections.Concurrent;
using static LeNetOnnx.Runtime.Tests.Batching.BatchingTestSupport;

namespace LeNetOnnx.Runtime.Tests.Batching;

/// <summary>
/// The cancellation-storm proof of issue 8: 64 callers with several requests each in flight, a
/// queue too small for them all, and a seeded plan that cancels requests before they are made,
/// right after, from timers and other threads, while their batch runs (from inside the run, so
/// that case happens every time) and after their answer. Each request's image carries its own
/// number, so the test knows which requests every batch ran.
/// </summary>
[TestClass]
public sealed class BatchingClassifierCancellationStormTests
{
    private const int Callers = 64;
    private const int RequestsPerCaller = 150;
    private const int InFlightPerCaller = 4;
    private const int QueueCapacity = 200;
    private const int MaxBatchSize = 16;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private enum Plan
    {
        None,
        Before,
        RightAfter,
        Timer,
        OtherThread,
        WhileRunning,
        AfterAnswer,
    }

    private enum Outcome
    {
        Pending,
        Answered,
        Cancelled,
        Rejected,
        Failed,
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_SeededCancellationStormFrom64Callers_LosesNoAnswerAndMixesUpNone()
    {
        const int Requests = Callers * RequestsPerCaller;
        LeNetClassifier classifier = TestModels.SharedClassic;
        float[][] images = NumberedImages(Requests, seed: 808);
        Prediction[] expected = SerialAnswers(classifier, images);
        var random = new Random(20261123);
        Plan[] plans = [.. Enumerable.Range(0, Requests).Select(_ => random.Next(100) switch
        {
            < 40 => Plan.None,
            < 48 => Plan.Before,
            < 60 => Plan.RightAfter,
            < 70 => Plan.Timer,
            < 78 => Plan.OtherThread,
            < 90 => Plan.WhileRunning,
            _ => Plan.AfterAnswer,
        })];
        int[] timerTicks = [.. Enumerable.Range(0, Requests).Select(_ => random.Next(20_000))];
        var cancellations = new CancellationTokenSource[Requests];
        for (int i = 0; i < Requests; i++)
        {
            cancellations[i] = new CancellationTokenSource();
        }

        // The runner learns each image's request from its number and cancels the ones planned
        // for it before running the batch: their cancellation lands while their batch runs.
        int[] runs = new int[Requests];
        var batchSizes = new ConcurrentQueue<int>();
        void Run(ReadOnlySpan<float> batchImages, Span<float> logits, Span<float> probabilities)
        {
            int count = batchImages.Length / LeNetClassifier.PixelsPerImage;
            batchSizes.Enqueue(count);
            for (int n = 0; n < count; n++)
            {
                int request = NumberOf(batchImages.Slice(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage));
                Interlocked.Increment(ref runs[request]);
                if (plans[request] == Plan.WhileRunning)
                {
                    cancellations[request].Cancel();
                }
            }

            classifier.Classify(batchImages, logits, probabilities);
        }

        var lateCancellations = new ConcurrentBag<Task>();
        var outcomes = new Outcome[Requests];
        var failures = new ConcurrentQueue<string>();
        var options = new BatchingOptions { MaxBatchSize = MaxBatchSize, QueueCapacity = QueueCapacity, MaxDelay = TimeSpan.FromMilliseconds(1) };
        var batching = new BatchingClassifier(classifier, options, Run);
        using var recorder = new MeasurementRecorder(batching.Meter);

        async Task RequestAsync(int i)
        {
            CancellationTokenSource cancellation = cancellations[i];
            if (plans[i] == Plan.Before)
            {
                await cancellation.CancelAsync();
            }
            else if (plans[i] == Plan.Timer)
            {
                cancellation.CancelAfter(TimeSpan.FromTicks(timerTicks[i]));
            }

            ValueTask<Prediction> result;
            try
            {
                result = batching.ClassifyAsync(images[i].AsMemory(), cancellation.Token);
            }
            catch (BatchingQueueFullException)
            {
                outcomes[i] = Outcome.Rejected;
                return;
            }

            switch (plans[i])
            {
                case Plan.RightAfter:
                    await cancellation.CancelAsync();
                    break;
                case Plan.OtherThread:
                    lateCancellations.Add(Task.Run(cancellation.Cancel));
                    break;
            }

            try
            {
                Prediction prediction = await result.AsTask().WaitAsync(Hang);
                outcomes[i] = Outcome.Answered;
                if (Difference(expected[i], prediction) is string difference)
                {
                    failures.Enqueue($"request {i} ({plans[i]}) got another answer: {difference}");
                }

                if (plans[i] == Plan.AfterAnswer)
                {
                    // The request object goes back to a pool: a late cancellation must not reach its next user.
                    await cancellation.CancelAsync();
                }
            }
            catch (OperationCanceledException e)
            {
                outcomes[i] = Outcome.Cancelled;
                if (e.CancellationToken != cancellation.Token)
                {
                    failures.Enqueue($"request {i} ({plans[i]}) ended with another request's cancellation");
                }
            }
            catch (TimeoutException)
            {
                outcomes[i] = Outcome.Failed;
                failures.Enqueue($"request {i} ({plans[i]}) hangs: no answer after {Hang.TotalSeconds} s");
            }
            catch (Exception e)
            {
                outcomes[i] = Outcome.Failed;
                failures.Enqueue($"request {i} ({plans[i]}): {e}");
            }
        }

        async Task CallerAsync(int caller)
        {
            var inFlight = new List<Task>();
            for (int k = 0; k < RequestsPerCaller; k++)
            {
                if (inFlight.Count == InFlightPerCaller)
                {
                    inFlight.Remove(await Task.WhenAny(inFlight));
                }

                inFlight.Add(RequestAsync((caller * RequestsPerCaller) + k));
            }

            await Task.WhenAll(inFlight);
        }

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(() => CallerAsync(c))));

        // Every request has ended; nothing may still hold a slot once the worker has read the
        // queue: a request cancelled while queued keeps its slot until the worker reads and drops
        // it, which can be just after its caller saw the cancellation.
        bool drained = SpinWait.SpinUntil(() => batching.PendingCount == 0, Hang);
        Assert.IsTrue(drained, $"{batching.PendingCount} pending {Hang.TotalSeconds} s after every request ended");
        recorder.Observe();
        await batching.DisposeAsync();

        int Count(Func<int, bool> which) => Enumerable.Range(0, Requests).Count(which);
        string Figures() => string.Join(", ", Enum.GetValues<Plan>().Select(p =>
            $"{p}: {string.Join("/", Enum.GetValues<Outcome>().Skip(1).Select(o => Count(i => plans[i] == p && outcomes[i] == o)))}"))
            + " (answered/cancelled/rejected/failed)";
        Console.WriteLine(Figures());

        Assert.IsEmpty(failures, $"{failures.Count} failures ({Figures()}):{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(10))}");
        Assert.AreEqual(0, Count(i => outcomes[i] == Outcome.Pending), "requests without an outcome");
        Assert.AreEqual(0, Count(i => runs[i] > 1), "requests run more than once");
        Assert.AreEqual(0, Count(i => outcomes[i] == Outcome.Answered && runs[i] != 1), "answers for requests that never ran");
        Assert.AreEqual(0, Count(i => outcomes[i] == Outcome.Rejected && runs[i] != 0), "rejected requests that ran");
        Assert.AreEqual(0, Count(i => plans[i] is Plan.None or Plan.AfterAnswer && outcomes[i] == Outcome.Cancelled), "cancelled requests never cancelled");
        Assert.AreEqual(0, Count(i => plans[i] == Plan.Before && (outcomes[i] != Outcome.Cancelled || runs[i] != 0)), "requests cancelled before they were made that were queued or run");
        Assert.AreEqual(0, Count(i => plans[i] == Plan.WhileRunning && outcomes[i] != Outcome.Rejected && (outcomes[i] != Outcome.Cancelled || runs[i] != 1)), "requests cancelled while their batch ran that were answered");

        // The storm really covered each case: refusals, cancellations during runs and before runs.
        Assert.IsGreaterThan(0, Count(i => outcomes[i] == Outcome.Rejected), "no request was refused: the queue was never full");
        Assert.IsGreaterThan(0, Count(i => plans[i] == Plan.WhileRunning && outcomes[i] == Outcome.Cancelled), "no cancellation while running");
        Assert.IsGreaterThan(0, Count(i => plans[i] is not Plan.Before && outcomes[i] == Outcome.Cancelled && runs[i] == 0), "no cancellation while queued");

        // The metrics agree with what the runner saw and the callers were told.
        int ran = runs.Sum();
        double[] recordedSizes = recorder.Values(RuntimeMetrics.BatchingBatchSize);
        Assert.AreEqual(batchSizes.Count, recordedSizes.Length, "batch_size records, one per batch");
        Assert.AreEqual(ran, (int)recordedSizes.Sum(), "images in batch_size");
        Assert.IsTrue(recordedSizes.All(size => size is >= 1 and <= MaxBatchSize), "a batch outside 1..MaxBatchSize");
        Assert.HasCount(ran, recorder.Values(RuntimeMetrics.BatchingQueueWait), "queue_wait records, one per image run");
        Assert.AreEqual(Count(i => outcomes[i] == Outcome.Rejected), (int)recorder.Values(RuntimeMetrics.BatchingRejected).Sum(), "rejected");
        Assert.AreEqual(0, recorder.Values(RuntimeMetrics.BatchingPending).Last(), "the pending gauge after the storm");

        await Task.WhenAll(lateCancellations);
        foreach (CancellationTokenSource cancellation in cancellations)
        {
            cancellation.Dispose();
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_DisposeDuringACancellationStorm_AnswersOrCancelsEveryAcceptedRequest()
    {
        const int Requests = 512;
        LeNetClassifier classifier = TestModels.SharedClassic;
        float[][] images = NumberedImages(Requests, seed: 809);
        Prediction[] expected = SerialAnswers(classifier, images);
        var random = new Random(20261124);
        bool[] cancel = [.. Enumerable.Range(0, Requests).Select(_ => random.Next(3) == 0)];
        var batching = new BatchingClassifier(classifier, new BatchingOptions { MaxBatchSize = 8, QueueCapacity = Requests });
        var cancellations = Enumerable.Range(0, Requests).Select(_ => new CancellationTokenSource()).ToArray();

        var accepted = new List<(int Index, Task<Prediction> Result)>();
        for (int i = 0; i < Requests; i++)
        {
            accepted.Add((i, batching.ClassifyAsync(images[i].AsMemory(), cancellations[i].Token).AsTask()));
        }

        Task cancelling = Task.Run(() =>
        {
            for (int i = 0; i < Requests; i++)
            {
                if (cancel[i])
                {
                    cancellations[i].Cancel();
                }
            }
        });
        ValueTask disposing = batching.DisposeAsync();
        Assert.ThrowsExactly<ObjectDisposedException>(() => batching.ClassifyAsync(images[0].AsMemory()));

        await disposing.AsTask().WaitAsync(Hang);
        await cancelling;
        int answered = 0;
        foreach ((int i, Task<Prediction> result) in accepted)
        {
            try
            {
                AssertSame(expected[i], await result.WaitAsync(Hang), $"request {i}");
                answered++;
            }
            catch (OperationCanceledException)
            {
                Assert.IsTrue(cancel[i], $"request {i} was never cancelled but got OperationCanceledException");
            }
        }

        Assert.IsGreaterThanOrEqualTo(cancel.Count(c => !c), answered, "every request not cancelled is answered");
        Assert.AreEqual(0, batching.PendingCount);
        foreach (CancellationTokenSource cancellation in cancellations)
        {
            cancellation.Dispose();
        }
    }

    /// <summary>Seeded images whose first two pixels hold their number (little-endian base 256, as pixel/255).</summary>
    private static float[][] NumberedImages(int count, int seed)
    {
        float[][] images = Images(count, seed);
        for (int i = 0; i < count; i++)
        {
            images[i][0] = (i % 256) / 255f;
            images[i][1] = (i / 256) / 255f;
        }

        return images;
    }

    private static int NumberOf(ReadOnlySpan<float> image) =>
        (int)MathF.Round(image[0] * 255) + (256 * (int)MathF.Round(image[1] * 255));
}
