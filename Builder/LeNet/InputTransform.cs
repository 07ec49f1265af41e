namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// What a variant does to the contract's <c>[N,1,28,28]</c> pixel/255 image before C1, inside
/// the graph so every runtime reproduces it: bilinear resizing, zero padding, then <c>x·Scale + Shift</c>.
/// </summary>
public readonly record struct InputTransform
{
    /// <summary>Side length the image is resized to (bilinear, half-pixel centres) first; 0 keeps 28×28.</summary>
    public int Resize { get; init; }

    /// <summary>Pixels of zero padding on every side (2 turns 28×28 into the paper's 32×32).</summary>
    public int Padding { get; init; }

    /// <summary>Multiplier applied after padding.</summary>
    public float Scale { get; init; }

    /// <summary>Offset applied after scaling.</summary>
    public float Shift { get; init; }

    /// <summary>No change: the image as the contract gives it.</summary>
    public static InputTransform None => new() { Scale = 1f };

    /// <summary>True when the graph needs no preprocessing nodes.</summary>
    public bool IsIdentity => Resize == 0 && Padding == 0 && Scale == 1f && Shift == 0f;

    /// <summary>Side length of the transformed image (what C1 sees).</summary>
    public int OutputSize => (Resize > 0 ? Resize : LeNetContract.ImageSize) + (2 * Padding);

    /// <summary>A one-line description for metadata and summaries.</summary>
    public string Describe()
    {
        if (IsIdentity)
        {
            return "none (the image as given: pixel/255)";
        }

        var steps = new List<string>();
        if (Resize > 0)
        {
            steps.Add(FormattableString.Invariant($"bilinear resize (half-pixel centres) to {Resize}x{Resize}"));
        }

        if (Padding > 0)
        {
            int size = OutputSize;
            steps.Add(FormattableString.Invariant($"zero-pad {Padding} on each side to {size}x{size}"));
        }

        if (Scale != 1f || Shift != 0f)
        {
            string shift = Shift switch
            {
                0f => "",
                < 0f => FormattableString.Invariant($" - {-Shift:R}"),
                _ => FormattableString.Invariant($" + {Shift:R}"),
            };
            steps.Add(FormattableString.Invariant($"x' = {Scale:R}*x{shift}"));
        }

        return string.Join(", then ", steps);
    }
}
