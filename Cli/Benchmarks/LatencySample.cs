using System.Diagnostics;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>Per-call latencies of a benchmark, recorded as <see cref="Stopwatch"/> ticks into a preallocated buffer.</summary>
internal sealed class LatencySample(int capacity)
{
    private readonly long[] ticks = new long[capacity];
    private int count;

    public int Count => count;

    /// <summary>Records one call's latency; calls beyond the capacity are not recorded.</summary>
    public void Add(long elapsedTicks)
    {
        int index = Interlocked.Increment(ref count) - 1;
        if (index < ticks.Length)
        {
            ticks[index] = elapsedTicks;
        }
    }

    /// <summary>The <paramref name="percentile"/>-th percentile (0..100) in microseconds, nearest rank.</summary>
    public double PercentileMicroseconds(double percentile)
    {
        int n = Math.Min(count, ticks.Length);
        if (n == 0)
        {
            return double.NaN;
        }

        long[] sorted = ticks[..n];
        Array.Sort(sorted);
        int rank = Math.Clamp((int)Math.Ceiling(percentile / 100 * n) - 1, 0, n - 1);
        return sorted[rank] * 1e6 / Stopwatch.Frequency;
    }
}
