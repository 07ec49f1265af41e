using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>
/// The machine's floating-point ceiling: independent fused multiply-adds on the widest vectors
/// the CPU has, on every core at once for a fixed time. The "hardware limit" speeds are this
/// figure divided by the network's FLOP per image.
/// </summary>
internal static class PeakFlops
{
    /// <summary>Measures float32 FLOP per second over all cores.</summary>
    public static double Measure(TimeSpan duration)
    {
        int cores = Environment.ProcessorCount;
        long[] flops = new long[cores];
        var threads = new Thread[cores];
        var start = new Barrier(cores);
        for (int t = 0; t < cores; t++)
        {
            int index = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                flops[index] = Vector512.IsHardwareAccelerated ? Run512(duration) : Run256(duration);
            }) { IsBackground = true };
            threads[t].Start();
        }

        var clock = Stopwatch.StartNew();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        return flops.Sum() / clock.Elapsed.TotalSeconds;
    }

    private const int Rounds = 100_000;

    // The clock is read between bursts, never inside one: across a call every vector register
    // is volatile, so an accumulator live across the clock call would live on the stack instead.
    private static long Run512(TimeSpan duration)
    {
        long bursts = 0;
        float sink = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            sink += Burst512();
            bursts++;
        }

        GC.KeepAlive(sink);
        return bursts * Rounds * 12 * Vector512<float>.Count * 2;
    }

    private static long Run256(TimeSpan duration)
    {
        long bursts = 0;
        float sink = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            sink += Burst256();
            bursts++;
        }

        GC.KeepAlive(sink);
        return bursts * Rounds * 12 * Vector256<float>.Count * 2;
    }

    // Twelve independent accumulators cover the FMA latency (4 cycles) times two FMA pipes with room to spare.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Burst512()
    {
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c); a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c); a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c); a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Burst256()
    {
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c); a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c); a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c); a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c); a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
