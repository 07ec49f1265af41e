using System.Runtime.ExceptionServices;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Runs the slices of one batch at the same time: the caller runs slices itself and queues helpers
/// on the thread pool that claim the others. Each slice copies its own images into its bound run
/// first, on the thread that runs it, so the copying is parallel too. Whoever comes first runs a
/// slice, so a busy pool only means the caller runs more of them, never a wait for a thread.
/// Reused call after call: nothing is allocated per run. One call at a time (<see cref="LeNetClassifier"/> rents it under a lock).
/// </summary>
internal sealed class SlicedRun : IThreadPoolWorkItem, IDisposable
{
    // Claims start here between calls, so a helper queued by an earlier call that starts late
    // finds nothing to claim while the next call is being set up.
    private const int Closed = int.MaxValue / 2;

    private readonly BoundRun?[] slices;
    private readonly int[] firstImage;
    private readonly ManualResetEventSlim done = new(false, spinCount: 100);
    private InferenceSession? session;
    private RunOptions? options;
    private int count;
    private int next = Closed;
    private int remaining;
    private Exception? failure;

    // The caller's images, pinned by the caller for the length of RunAll: bytes or floats.
    private unsafe void* pixels;
    private bool pixelsAreBytes;

    public SlicedRun(int maxSlices)
    {
        slices = new BoundRun?[maxSlices];
        firstImage = new int[maxSlices];
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
    /// <param name="helpers">Thread-pool helpers to queue beside the caller (fewer when there are fewer slices).</param>
    public unsafe void RunAll(InferenceSession session, RunOptions options, void* images, bool bytes, int helpers)
    {
        pixels = images;
        pixelsAreBytes = bytes;
        this.session = session;
        this.options = options;
        failure = null;
        remaining = count;
        done.Reset();
        Volatile.Write(ref next, 0);
        for (int i = Math.Min(helpers, count - 1); i > 0; i--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        RunClaimed();
        done.Wait();
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

    /// <inheritdoc/>
    void IThreadPoolWorkItem.Execute() => RunClaimed();

    public void Dispose() => done.Dispose();

    private unsafe void RunSlice(int index)
    {
        BoundRun slice = slices[index]!;
        int start = firstImage[index] * LeNetClassifier.PixelsPerImage;
        int length = slice.Batch * LeNetClassifier.PixelsPerImage;
        if (pixelsAreBytes)
        {
            slice.Layout.Write(new ReadOnlySpan<byte>((byte*)pixels + start, length), slice.Images);
        }
        else
        {
            slice.Layout.Write(new ReadOnlySpan<float>((float*)pixels + start, length), slice.Images);
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
                done.Set();
            }
        }
    }
}
