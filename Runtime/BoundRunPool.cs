using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Idle <see cref="BoundRun"/>s by batch size, so that steady traffic reuses them and allocates
/// nothing. Batch sizes up to <see cref="MaxPooledBatch"/> are kept, at most
/// <see cref="IdlePerBatch"/> idle runs each; larger batches and runs beyond that are made for the
/// call and disposed after it. Thread-safe: one short lock per batch size.
/// </summary>
internal sealed class BoundRunPool : IDisposable
{
    /// <summary>The largest batch size whose runs are kept (a run of 256 images holds 0.8 MB).</summary>
    public const int MaxPooledBatch = 256;

    private readonly InferenceSession session;
    private readonly Stack<BoundRun>?[] idle = new Stack<BoundRun>?[MaxPooledBatch + 1];
    private volatile bool disposed;

    public BoundRunPool(InferenceSession session)
    {
        this.session = session;

        // Enough for every core to run one call of a size while as many wait to start.
        IdlePerBatch = Math.Max(4, 2 * Environment.ProcessorCount);
    }

    /// <summary>Idle runs kept per batch size.</summary>
    public int IdlePerBatch { get; }

    /// <summary>An idle run of <paramref name="batch"/> images, or a new one.</summary>
    public BoundRun Rent(int batch)
    {
        if (batch <= MaxPooledBatch)
        {
            Stack<BoundRun> runs = StackOf(batch);
            lock (runs)
            {
                if (runs.TryPop(out BoundRun? run))
                {
                    return run;
                }
            }
        }

        return new BoundRun(session, batch);
    }

    /// <summary>Gives a run back after its call; it is kept for the next call of its size or disposed.</summary>
    public void Return(BoundRun run)
    {
        if (run.Batch <= MaxPooledBatch)
        {
            Stack<BoundRun> runs = StackOf(run.Batch);
            lock (runs)
            {
                if (!disposed && runs.Count < IdlePerBatch)
                {
                    runs.Push(run);
                    return;
                }
            }
        }

        run.Dispose();
    }

    /// <summary>Disposes the idle runs; runs returned later are disposed on return. Call when no run is in flight.</summary>
    public void Dispose()
    {
        // Set before draining, read under each stack's lock by Return: no run is pushed after its stack was drained.
        disposed = true;
        foreach (Stack<BoundRun>? runs in idle)
        {
            if (runs is null)
            {
                continue;
            }

            lock (runs)
            {
                while (runs.TryPop(out BoundRun? run))
                {
                    run.Dispose();
                }
            }
        }
    }

    private Stack<BoundRun> StackOf(int batch)
    {
        Stack<BoundRun>? runs = Volatile.Read(ref idle[batch]);
        if (runs is null)
        {
            Interlocked.CompareExchange(ref idle[batch], new Stack<BoundRun>(IdlePerBatch), null);
            runs = idle[batch]!;
        }

        return runs;
    }
}
