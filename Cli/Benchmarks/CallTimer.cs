using System.Diagnostics;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>One call of a latency benchmark: <see cref="Invoke"/> does the work of call number <paramref name="call"/>.</summary>
internal interface ITimedCall
{
    /// <summary>Does call number <paramref name="call"/> (0, 1, 2, ...).</summary>
    void Invoke(int call);
}

/// <summary>
/// Times calls one by one for a fixed time on the calling thread: each call's latency, and the
/// bytes the calls allocate. Generic over a struct so the call is neither boxed nor dispatched.
/// </summary>
internal static class CallTimer
{
    /// <summary>Calls <paramref name="call"/> until <paramref name="duration"/> has passed, timing each call.</summary>
    public static LatencyResult Time<TCall>(ref TCall call, TimeSpan duration)
        where TCall : struct, ITimedCall
    {
        var sample = new LatencySample(4_000_000);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        int calls = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            long started = Stopwatch.GetTimestamp();
            call.Invoke(calls);
            sample.Add(Stopwatch.GetTimestamp() - started);
            calls++;
        }

        double allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / calls;
        return new LatencyResult(calls, sample.PercentileMicroseconds(50), sample.PercentileMicroseconds(99), allocated);
    }
}
