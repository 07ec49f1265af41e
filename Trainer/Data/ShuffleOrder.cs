using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// The order examples are visited in: a seeded Fisher–Yates shuffle of the indices, fully
/// specified so the same seed and epoch give the same order on every platform and .NET version,
/// and a resumed run can rebuild any epoch's order without replaying the ones before.
/// </summary>
/// <remarks>
/// Specification, for reimplementation elsewhere (e.g. a PyTorch reference):
/// <list type="number">
/// <item>Epoch seed: <c>m(x)</c> is the first output of <see cref="SeededRandom"/> (SplitMix64)
/// seeded with <c>x</c>; the epoch's generator is <c>SeededRandom(m(seed XOR m(epoch)))</c>.</item>
/// <item>Start from <c>0, 1, …, n−1</c>; for <c>i = n−1</c> down to <c>1</c>: draw <c>j</c>
/// uniform in <c>[0, i]</c> and swap items <c>i</c> and <c>j</c>.</item>
/// <item>A uniform draw below <c>b</c> is Lemire's method: <c>p = x·b</c> as a 128-bit product
/// of a 64-bit output <c>x</c>; while <c>low64(p) &lt; (2⁶⁴ − b) mod b</c>, draw again; the
/// result is <c>high64(p)</c>.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// int[] order = ShuffleOrder.ForEpoch(train.Count, seed: 42, epoch: 3);
/// </code>
/// </example>
public static class ShuffleOrder
{
    /// <summary><c>0, 1, …, count−1</c>: the order for evaluation.</summary>
    public static int[] Identity(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int[] order = new int[count];
        FillIdentity(order);
        return order;
    }

    /// <summary>The shuffled order of <paramref name="count"/> examples for <paramref name="epoch"/>.</summary>
    public static int[] ForEpoch(int count, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int[] order = new int[count];
        ForEpoch(order, seed, epoch);
        return order;
    }

    /// <summary>Fills <paramref name="destination"/> with the shuffled order of <c>destination.Length</c> examples for <paramref name="epoch"/>, reusing the caller's array.</summary>
    public static void ForEpoch(Span<int> destination, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        FillIdentity(destination);
        Shuffle(destination, EpochRandom(seed, epoch));
    }

    /// <summary>The generator of <paramref name="epoch"/>'s shuffle (see the remarks for its definition).</summary>
    public static SeededRandom EpochRandom(ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);

        // Mixing, not adding: SplitMix64 streams whose seeds differ by a multiple of its increment overlap.
        ulong epochMix = new SeededRandom((ulong)epoch).NextUInt64();
        return new SeededRandom(new SeededRandom(seed ^ epochMix).NextUInt64());
    }

    /// <summary>Shuffles <paramref name="items"/> in place with Fisher–Yates, drawing from <paramref name="random"/>.</summary>
    public static void Shuffle(Span<int> items, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextBelow(random, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniform integer in <c>[0, bound)</c>, without modulo bias (Lemire, 2019).</summary>
    internal static int NextBelow(SeededRandom random, int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong range = (ulong)bound;
        ulong high = Math.BigMul(random.NextUInt64(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(random.NextUInt64(), range, out low);
            }
        }

        return (int)high;
    }

    private static void FillIdentity(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = i;
        }
    }
}
