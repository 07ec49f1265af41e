namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Training-time augmentation: a random shift by up to <see cref="MaxShift"/> pixels in each
/// direction (uncovered pixels become 0, the background) and, when enabled, a horizontal flip
/// with probability ½. Off by default. Deterministic: what happens to an example depends only
/// on <see cref="Seed"/>, the epoch and the example's index, not on batch size or order.
/// </summary>
/// <remarks>
/// Specification: <c>h = s(s(Seed XOR s(epoch·2³² + index)))</c> where <c>s</c> is the SplitMix64
/// output function (add 0x9E3779B97F4A7C15, then its two xor-shift-multiply rounds and a final
/// xor-shift, as in <see cref="LeNetOnnx.Builder.LeNet.SeededRandom"/>); with <c>w = 2·MaxShift + 1</c>,
/// the shift is <c>dx = (h mod 2²¹) mod w − MaxShift</c>, <c>dy = ((h ≫ 21) mod 2²¹) mod w − MaxShift</c>;
/// the flip happens when <see cref="HorizontalFlip"/> is set and bit 63 of <c>h</c> is 1. The output
/// pixel (y, x) is the source pixel (y − dy, x′) with x′ = x − dx, mirrored to W−1−x′ when flipped,
/// or 0 when that falls outside the image.
/// </remarks>
/// <example>
/// <code>
/// var augmentation = new Augmentation { MaxShift = 2, HorizontalFlip = true, Seed = 7 };
/// var batcher = new Batcher(data.Train, batchSize: 64, augmentation);
/// </code>
/// </example>
public readonly record struct Augmentation
{
    /// <summary>The largest <see cref="MaxShift"/> accepted, in pixels.</summary>
    public const int LargestShift = 8;

    /// <summary>No augmentation: images are used as they are.</summary>
    public static Augmentation None => default;

    /// <summary>The largest shift in pixels, in each direction (0 to 8); 0 turns shifting off.</summary>
    public int MaxShift
    {
        get;
        init => field = value is >= 0 and <= LargestShift ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"A shift of 0 to {LargestShift} pixels.");
    }

    /// <summary>Whether images are flipped left-right with probability ½ (right for clothing, wrong for digits).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>The seed of the augmentation draws.</summary>
    public ulong Seed { get; init; }

    /// <summary>True when any augmentation is on.</summary>
    public bool IsEnabled => MaxShift > 0 || HorizontalFlip;

    /// <summary>The shift and flip drawn for an example in an epoch.</summary>
    public (int ShiftX, int ShiftY, bool Flip) Draw(int epoch, int index)
    {
        ulong h = Mix(Mix(Seed ^ Mix(((ulong)(uint)epoch << 32) | (uint)index)));
        ulong width = (ulong)((2 * MaxShift) + 1);
        int dx = (int)((h & 0x1FFFFF) % width) - MaxShift;
        int dy = (int)(((h >> 21) & 0x1FFFFF) % width) - MaxShift;
        return (dx, dy, HorizontalFlip && (h >> 63) == 1);
    }

    /// <summary>
    /// Writes the augmented image as <c>pixel / 255</c> floats: <paramref name="source"/> holds
    /// <paramref name="rows"/>×<paramref name="columns"/> bytes, <paramref name="destination"/> as many floats.
    /// </summary>
    internal void Apply(ReadOnlySpan<byte> source, int rows, int columns, Span<float> destination, int epoch, int index, ReadOnlySpan<float> scale)
    {
        (int dx, int dy, bool flip) = Draw(epoch, index);
        for (int y = 0; y < rows; y++)
        {
            Span<float> outRow = destination.Slice(y * columns, columns);
            int sy = y - dy;
            if (sy < 0 || sy >= rows)
            {
                outRow.Clear();
                continue;
            }

            ReadOnlySpan<byte> inRow = source.Slice(sy * columns, columns);
            for (int x = 0; x < columns; x++)
            {
                int sx = x - dx;
                outRow[x] = sx < 0 || sx >= columns ? 0f : scale[inRow[flip ? columns - 1 - sx : sx]];
            }
        }
    }

    private static ulong Mix(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
