using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace LeNetOnnx.Runtime;

/// <summary>
/// One image of a <see cref="BatchingClassifier"/> waiting for its answer, and the awaitable its
/// caller holds. Pooled, so a request costs no task and no image buffer.
/// </summary>
/// <remarks>
/// A request has two owners while in use: the caller, until it has read the result, and the
/// worker, until it has answered or skipped the request. It goes back to the pool only when both
/// have let go, and only after its cancellation callback can no longer run, so a late answer or a
/// late cancellation never lands on the next caller's request. The first of answer, failure and
/// cancellation completes it; the others are dropped.
/// </remarks>
internal sealed class BatchRequest : IValueTaskSource<Prediction>
{
    private readonly RequestPool pool;

    // A mutable struct: never readonly, never copied.
    private ManualResetValueTaskSourceCore<Prediction> core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration registration;
    private int completed;
    private int consumed;
    private int owners;

    public BatchRequest(RequestPool pool) => this.pool = pool;

    /// <summary>The image as pixel/255, copied from the caller when the request is made.</summary>
    public float[] Image { get; } = new float[LeNetClassifier.PixelsPerImage];

    /// <summary>When the request was accepted, a <see cref="Stopwatch"/> timestamp.</summary>
    public long AcceptedAt { get; private set; }

    /// <summary>Whether an answer, a failure or a cancellation has completed the request.</summary>
    public bool IsCompleted => Volatile.Read(ref completed) != 0;

    /// <summary>
    /// Hands the request out to a caller and the worker, with <paramref name="cancellationToken"/>
    /// completing it as cancelled. Returns what the caller awaits.
    /// </summary>
    public ValueTask<Prediction> Start(CancellationToken cancellationToken)
    {
        owners = 2;
        AcceptedAt = Stopwatch.GetTimestamp();
        if (cancellationToken.CanBeCanceled)
        {
            // Unsafe: the callback needs no execution context, and capturing none allocates nothing.
            registration = cancellationToken.UnsafeRegister(static (state, token) => ((BatchRequest)state!).Cancel(token), this);
        }

        return new ValueTask<Prediction>(this, core.Version);
    }

    /// <summary>Completes the request with its answer unless it is already completed.</summary>
    public void SetResult(Prediction prediction)
    {
        if (TryClaim())
        {
            core.SetResult(prediction);
        }
    }

    /// <summary>Completes the request with a failure unless it is already completed.</summary>
    public void SetException(Exception exception)
    {
        if (TryClaim())
        {
            core.SetException(exception);
        }
    }

    /// <summary>Lets go of one owner's hold; the last one returns the request to the pool.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref owners) != 0)
        {
            return;
        }

        // Dispose waits for a cancellation callback running on another thread right now.
        registration.Dispose();
        registration = default;
        core.Reset();
        completed = 0;
        consumed = 0;
        pool.Return(this);
    }

    public Prediction GetResult(short token)
    {
        // GetStatus throws for a token of an earlier use, so a stale awaiter never releases this
        // use; reading before completion throws in GetResult and releases nothing either.
        bool done = core.GetStatus(token) != ValueTaskSourceStatus.Pending;
        try
        {
            return core.GetResult(token);
        }
        finally
        {
            if (done && Interlocked.Exchange(ref consumed, 1) == 0)
            {
                Release();
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        if (TryClaim())
        {
            core.SetException(new OperationCanceledException(token));
        }
    }

    private bool TryClaim() => Interlocked.Exchange(ref completed, 1) == 0;
}
