using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Runs the slices of one batch at the same time: the caller runs slices itself while its own
/// helper threads claim the others. Each slice copies its own images into its bound run first,
/// on the thread that runs it, so the copying is parallel too. Whoever comes first runs a slice,
/// so a helper that is late (descheduled, still waking) only means the caller runs more of them.
/// Between calls a helper spins for a while (<see cref="LeNetClassifierOptions.SliceSpinTime"/>)
/// before it blocks, and the caller spins as long for the last slice, because waking a blocked
/// thread is slow on a virtual machine next to a LeNet batch. Reused call after call:
/// nothing is allocated per run. One call at a time (<see cref="LeNetClassifier"/> rents it
/// under a lock).
/// </summary>
internal sealed class SlicedRun : IDisposable
{
    // Claims start here between calls, so a helper that wakes late finds nothing to claim.
    private const int Closed = int.MaxValue / 2;

    private readonly BoundRun?[] slices;
    private readonly int[] firstImage;
    private readonly Thread[] helpers;
    private readonly object sleep = new();
    private readonly long spinTicks;
    private InferenceSession? session;
    private RunOptions? options;
    private int count;
    private int next = Closed;
    private int remaining;
    private int generation;
    private int blocked;
    private volatile bool stopping;
    private Exception? failure;

    // The caller's images, pinned by the caller for the length of RunAll: bytes or floats.
    private unsafe void* pixels;
    private bool pixelsAreBytes;

    /// <param name="maxSlices">The most slices one run holds.</param>
    /// <param name="helperThreads">Threads that run slices beside the caller.</param>
    /// <param name="spinTime">How long a helper waits for the next call, and the caller for the last slice, before blocking.</param>
    public SlicedRun(int maxSlices, int helperThreads, TimeSpan spinTime)
    {
        slices = new BoundRun?[maxSlices];
        firstImage = new int[maxSlices];
        spinTicks = (long)(spinTime.TotalSeconds * Stopwatch.Frequency);
        helpers = new Thread[helperThreads];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Thread(HelperLoop) { IsBackground = true, Name = $"LeNetClassifier slices {i + 1}" };
            helpers[i].Start();
        }
    }

    /// <summary>The most slices one run holds.</summary>
    public int Capacity => slices.Length;

    /// <summary>The slices added since the last <see cref="Clear"/>.</summary>
    public int Count => count;

    /// <summary>Slice <paramref name="index"/>, as added.</summary>
    public BoundRun this[int index] => slices[index]!;

    /// <summary>Adds the next slice: a run of its size that will take the batch's images from <paramref name="image"/> on.</summary>
    public void Add(BoundRun slice, int image)
    {
        firstImage[count] = image;
        slices[count++] = slice;
    }

    /// <summary>
    /// Copies each slice's images into it and runs it on <paramref name="session"/>, slices in
    /// parallel; returns when all are done and rethrows the first failure.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="options">The run options.</param>
    /// <param name="images">The whole batch's images, pinned by the caller until this returns: 784 values per image.</param>
    /// <param name="bytes">Whether <paramref name="images"/> are raw 0..255 bytes (else floats of pixel/255).</param>
    public unsafe void RunAll(InferenceSession session, RunOptions options, void* images, bool bytes)
    {
        pixels = images;
        pixelsAreBytes = bytes;
        this.session = session;
        this.options = options;
        failure = null;
        remaining = count;
        Volatile.Write(ref next, 0);
        Interlocked.Increment(ref generation);
        WakeBlocked();
        RunClaimed();
        WaitUntil(static (run, _) => Volatile.Read(ref run.remaining) == 0, 0);
        Volatile.Write(ref next, Closed);
        pixels = null;
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

    /// <summary>Stops the helpers; the caller makes sure no run is in progress.</summary>
    public void Dispose()
    {
        stopping = true;
        Interlocked.Increment(ref generation);
        WakeBlocked();

        foreach (Thread helper in helpers)
        {
            helper.Join();
        }
    }

    private void HelperLoop()
    {
        int seen = 0;
        while (true)
        {
            // Until the next call starts (or Dispose, which starts a generation too).
            WaitUntil(static (run, served) => Volatile.Read(ref run.generation) != served, seen);
            seen = Volatile.Read(ref generation);
            if (stopping)
            {
                return;
            }

            RunClaimed();
        }
    }

    /// <summary>
    /// Waits until <paramref name="isDone"/> holds: spinning for the spin time, then blocked on the
    /// monitor until <see cref="WakeBlocked"/> after the state it reads has changed.
    /// </summary>
    private void WaitUntil<TState>(Func<SlicedRun, TState, bool> isDone, TState state)
    {
        long deadline = Stopwatch.GetTimestamp() + spinTicks;
        while (!isDone(this, state) && Stopwatch.GetTimestamp() < deadline)
        {
            Pause();
        }

        if (isDone(this, state))
        {
            return;
        }

        lock (sleep)
        {
            // Counted before the check: a waker changes the state with a full fence and then reads
            // the count, so either this check sees the change or the waker sees this thread.
            Interlocked.Increment(ref blocked);
            while (!isDone(this, state))
            {
                Monitor.Wait(sleep);
            }

            Interlocked.Decrement(ref blocked);
        }
    }

    /// <summary>Wakes every thread blocked in <see cref="WaitUntil"/>; called after an interlocked change of the state they wait on.</summary>
    private void WakeBlocked()
    {
        if (Volatile.Read(ref blocked) > 0)
        {
            lock (sleep)
            {
                Monitor.PulseAll(sleep);
            }
        }
    }

    /// <summary>
    /// One round of a spin: a few pause instructions, then the CPU offered to any other thread that
    /// is ready to run on it (a no-op when none is), so spinning takes little from other work.
    /// </summary>
    private static void Pause()
    {
        Thread.SpinWait(16);
        Thread.Yield();
    }

    private unsafe void RunSlice(int index)
    {
        BoundRun slice = slices[index]!;
        int start = firstImage[index] * LeNetClassifier.PixelsPerImage;
        int length = slice.Batch * LeNetClassifier.PixelsPerImage;
        if (pixelsAreBytes)
        {
            slice.Write(new ReadOnlySpan<byte>((byte*)pixels + start, length));
        }
        else
        {
            slice.Write(new ReadOnlySpan<float>((float*)pixels + start, length));
        }

        slice.Run(session!, options!);
    }

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
                RunSlice(index);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                WakeBlocked();
            }
        }
    }
}
