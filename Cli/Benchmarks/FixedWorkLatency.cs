using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>
/// What the machine alone adds to the latency tail of a call: a fixed computation (one chain of
/// dependent floating-point steps, no memory traffic, no allocation, no system call), calibrated to
/// take as long as the call, timed call by call the way <see cref="InferenceBenchmark.SingleImage"/>
/// times one image. Its p50 is the work itself; what its p99 adds on top comes from the host
/// (interrupts, the hypervisor lending the core elsewhere), so no call of that length can have a
/// lower p99 on this machine at this time.
/// </summary>
internal static class FixedWorkLatency
{
    // Long enough that one timed run is far above the clock's resolution and the call overhead.
    private const double CalibrationMicroseconds = 2_000;

    /// <summary>Times the fixed work, calibrated to <paramref name="microseconds"/> per call, for <paramref name="duration"/>.</summary>
    public static LatencyResult Measure(double microseconds, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(microseconds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var call = new ChainCall(StepsFor(microseconds));
        return CallTimer.Time(ref call, duration);
    }

    /// <summary>The chain length that takes <paramref name="microseconds"/>: the fastest of several timed runs of a long chain, scaled.</summary>
    internal static long StepsFor(double microseconds)
    {
        long steps = 4096;
        while (true)
        {
            double fastest = double.MaxValue;
            for (int run = 0; run < 7; run++)
            {
                long started = Stopwatch.GetTimestamp();
                GC.KeepAlive(Chain(steps));
                fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }

            if (fastest >= CalibrationMicroseconds)
            {
                return Math.Max(1, (long)Math.Round(steps * microseconds / fastest));
            }

            steps *= 2;
        }
    }

    /// <summary>One run of the chain; the results are summed so that no run can be left out.</summary>
    private struct ChainCall(long steps) : ITimedCall
    {
        private double sink;

        public void Invoke(int call) => sink += Chain(steps);
    }

    // Each step waits for the one before (a multiply and an add on the previous result), so the
    // time is the chain's length times the steps' latency: nothing to vectorise or reorder.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Chain(long steps)
    {
        double x = 1;
        for (long i = 0; i < steps; i++)
        {
            x = (x * 0.9999999) + 1e-7;
        }

        return x;
    }
}
