using System.Buffers;
using System.Diagnostics;

namespace LeNetOnnx.Runtime;

/// <content>The worker: gathers queued requests into batches, runs them and answers each caller.</content>
public sealed partial class BatchingClassifier
{
    // The worker's wait for the queue, kept across a timeout so at most one is ever registered.
    private Task<bool>? waitingToRead;

    private void Work()
    {
        var batch = new BatchRequest[Options.MaxBatchSize];
        try
        {
            int count;
            while ((count = Gather(batch)) > 0)
            {
                RunBatch(batch.AsSpan(0, count));
            }
        }
        finally
        {
            stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Blocks until a live request is queued, then adds more until the batch is full,
    /// <see cref="BatchingOptions.MaxDelay"/> has passed since the first was accepted, or the queue
    /// is completed. Returns 0 once the queue is completed and empty.
    /// </summary>
    private int Gather(BatchRequest[] batch)
    {
        int count = 0;
        while (count == 0)
        {
            if (queue.Reader.TryRead(out BatchRequest? request))
            {
                count = Admit(request, batch, count);
            }
            else if (!WaitToRead(Timeout.Infinite))
            {
                return 0;
            }
        }

        // Counted from when the first request was accepted: one that already queued behind a busy
        // worker does not wait again.
        long deadline = batch[0].AcceptedAt + (long)(Options.MaxDelay.TotalSeconds * Stopwatch.Frequency);
        while (count < batch.Length)
        {
            if (queue.Reader.TryRead(out BatchRequest? request))
            {
                count = Admit(request, batch, count);
                continue;
            }

            // Timed waits come in whole milliseconds; to the nearest one, the last wait overshoots
            // the deadline by at most half of one (rounding up would cost up to a whole one per batch).
            int milliseconds = (int)Math.Round(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).TotalMilliseconds);
            if (milliseconds <= 0 || !WaitToRead(milliseconds))
            {
                break;
            }
        }

        return count;
    }

    /// <summary>Adds a request to the batch, or drops it if it was cancelled while queued.</summary>
    private int Admit(BatchRequest request, BatchRequest[] batch, int count)
    {
        if (request.IsCompleted)
        {
            Interlocked.Decrement(ref pending);
            request.Release();
            return count;
        }

        batch[count] = request;
        return count + 1;
    }

    /// <summary>
    /// Waits until a request can be read. False when none came within <paramref name="milliseconds"/>
    /// or the queue is completed and empty.
    /// </summary>
    private bool WaitToRead(int milliseconds)
    {
        Task<bool> wait;
        if (waitingToRead is not null)
        {
            wait = waitingToRead;
        }
        else
        {
            ValueTask<bool> ready = queue.Reader.WaitToReadAsync(CancellationToken.None);
            if (ready.IsCompleted)
            {
                return ready.GetAwaiter().GetResult();
            }

            wait = ready.AsTask();
        }

        // Blocking is the point: this is the worker's own thread.
        if (!wait.Wait(milliseconds))
        {
            waitingToRead = wait;
            return false;
        }

        waitingToRead = null;
        return wait.Result;
    }

    private void RunBatch(Span<BatchRequest> batch)
    {
        int count = batch.Length;
        metrics.BatchStarted(batch, Stopwatch.GetTimestamp());
        float[] images = ArrayPool<float>.Shared.Rent(count * LeNetClassifier.PixelsPerImage);
        float[] logits = ArrayPool<float>.Shared.Rent(count * LeNetClassifier.ClassCount);
        float[] probabilities = ArrayPool<float>.Shared.Rent(count * LeNetClassifier.ClassCount);
        Exception? failure = null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                batch[i].Image.CopyTo(images, i * LeNetClassifier.PixelsPerImage);
            }

            run(
                images.AsSpan(0, count * LeNetClassifier.PixelsPerImage),
                logits.AsSpan(0, count * LeNetClassifier.ClassCount),
                probabilities.AsSpan(0, count * LeNetClassifier.ClassCount));
        }
        catch (Exception e)
        {
            // Whatever the run throws (a disposed classifier, an ONNX Runtime error) is every request's answer.
            failure = e;
        }

        // Slots are freed before any answer goes out, so a caller who resubmits on its answer finds room.
        Interlocked.Add(ref pending, -count);
        for (int i = 0; i < count; i++)
        {
            BatchRequest request = batch[i];
            batch[i] = null!;
            if (failure is not null)
            {
                request.SetException(failure);
            }
            else if (!request.IsCompleted)
            {
                request.SetResult(Answer(logits, probabilities, i));
            }

            request.Release();
        }

        ArrayPool<float>.Shared.Return(images);
        ArrayPool<float>.Shared.Return(logits);
        ArrayPool<float>.Shared.Return(probabilities);
    }

    private Prediction Answer(float[] logits, float[] probabilities, int index)
    {
        int offset = index * LeNetClassifier.ClassCount;
        return classifier.PredictionOf(
            logits.AsSpan(offset, LeNetClassifier.ClassCount),
            probabilities.AsSpan(offset, LeNetClassifier.ClassCount).ToArray());
    }
}
