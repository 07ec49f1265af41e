using System.Runtime.ExceptionServices;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Runs the slices of one batch at the same time: the caller runs slices itself and queues helpers
/// on the thread pool that claim the others. Whoever comes first runs a slice, so a busy pool only
/// means the caller runs more of them, never a wait for a thread. Reused call after call: nothing
/// is allocated per run. One call at a time (<see cref="LeNetClassifier"/> rents it under a lock).
/// </summary>
internal sealed class SlicedRun : IThreadPoolWorkItem, IDisposable
{
    // Claims start here between calls, so a helper queued by an earlier call that starts late
    // finds nothing to claim while the next call is being set up.
    private const int Closed = int.MaxValue / 2;

    private readonly BoundRun?[] slices;
    private readonly ManualResetEventSlim done = new(false, spinCount: 100);
    private InferenceSession? session;
    private RunOptions? options;
    private int count;
    private int next = Closed;
    private int remaining;
    private Exception? failure;

    public SlicedRun(int maxSlices) => slices = new BoundRun?[maxSlices];

    /// <summary>The slices added since the last <see cref="Clear"/>.</summary>
    public int Count => count;

    /// <summary>Slice <paramref name="index"/>, as added.</summary>
    public BoundRun this[int index] => slices[index]!;

    /// <summary>Adds the next slice (its images already written).</summary>
    public void Add(BoundRun slice) => slices[count++] = slice;

    /// <summary>Runs every slice on <paramref name="session"/>, in parallel, and returns when all are done; rethrows the first failure.</summary>
    public void RunAll(InferenceSession session, RunOptions options)
    {
        this.session = session;
        this.options = options;
        failure = null;
        remaining = count;
        done.Reset();
        Volatile.Write(ref next, 0);
        for (int i = 1; i < count; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        RunClaimed();
        done.Wait();
        Volatile.Write(ref next, Closed);
        if (failure is { } e)
        {
            ExceptionDispatchInfo.Throw(e);
        }
    }

    /// <summary>Forgets the slices (the caller returns them to their pool).</summary>
    public void Clear()
    {
        Array.Clear(slices);
        count = 0;
    }

    /// <inheritdoc/>
    void IThreadPoolWorkItem.Execute() => RunClaimed();

    public void Dispose() => done.Dispose();

    private void RunClaimed()
    {
        while (true)
        {
            int index = Interlocked.Increment(ref next) - 1;
            if (index >= Volatile.Read(ref count))
            {
                return;
            }

            try
            {
                slices[index]!.Run(session!, options!);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                done.Set();
            }
        }
    }
}
