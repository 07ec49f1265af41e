using System.Diagnostics;

namespace LeNetOnnx.LoadGenerator;

/// <summary>Percentiles of a set of latencies (nearest rank).</summary>
public readonly record struct LatencySummary(TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max)
{
    /// <summary>Summarizes latencies given as <see cref="Stopwatch"/> ticks; all zero when there are none.</summary>
    public static LatencySummary Of(List<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return default;
        }

        ticks.Sort();
        TimeSpan At(double quantile) => Stopwatch.GetElapsedTime(0, ticks[Math.Clamp((int)Math.Ceiling(quantile * ticks.Count) - 1, 0, ticks.Count - 1)]);
        return new LatencySummary(At(0.50), At(0.90), At(0.99), At(1.0));
    }
}
