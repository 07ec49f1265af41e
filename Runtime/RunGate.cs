namespace LeNetOnnx.Runtime;

/// <summary>
/// Counts the calls running on a session so it is disposed only when none is in flight:
/// disposing an ONNX Runtime session during a run has crashed processes.
/// </summary>
/// <remarks>
/// Both sides use interlocked operations (full fences): a caller increments then checks
/// <c>closed</c>; <see cref="Close"/> sets <c>closed</c> then reads the count. So either the
/// caller sees the gate closed and backs out, or <see cref="Close"/> sees the caller and waits.
/// </remarks>
internal sealed class RunGate
{
    private int active;
    private int closed;

    /// <summary>Admits one call or throws <see cref="ObjectDisposedException"/>.</summary>
    public void Enter()
    {
        Interlocked.Increment(ref active);
        if (Volatile.Read(ref closed) != 0)
        {
            Exit();
            Throw.Disposed(nameof(LeNetClassifier));
        }
    }

    /// <summary>Marks an admitted call as finished.</summary>
    public void Exit() => Interlocked.Decrement(ref active);

    /// <summary>
    /// Refuses new calls and waits until admitted ones have finished. Returns false when the
    /// gate was already closed, so the owner releases its resources once.
    /// </summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return false;
        }

        // Runs take micro- to milliseconds and Dispose is rare: spinning, then sleeping, is
        // simpler than an event whose own lifetime would need guarding.
        var wait = default(SpinWait);
        while (Volatile.Read(ref active) != 0)
        {
            wait.SpinOnce();
        }

        return true;
    }
}
