namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// SplitMix64: a small, fully specified generator, so the same seed gives the same weights on
/// every platform and .NET version (unlike <see cref="Random"/>, whose algorithm may change).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A float uniform in [0, 1), from the top 24 bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Fills <paramref name="destination"/> with floats uniform in [-bound, bound).</summary>
    public void FillUniform(Span<float> destination, float bound)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ((2f * NextSingle()) - 1f) * bound;
        }
    }
}
