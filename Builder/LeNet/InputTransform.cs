namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// What a variant does to the contract's <c>[N,1,28,28]</c> pixel/255 image before C1, inside
/// the graph so every runtime reproduces it: zero padding, then <c>x·Scale + Shift</c>.
/// </summary>
public readonly record struct InputTransform
{
    /// <summary>Pixels of zero padding on every side (2 turns 28×28 into the paper's 32×32).</summary>
    public int Padding { get; init; }

    /// <summary>Multiplier applied after padding.</summary>
    public float Scale { get; init; }

    /// <summary>Offset applied after scaling.</summary>
    public float Shift { get; init; }

    /// <summary>No change: the image as the contract gives it.</summary>
    public static InputTransform None => new() { Scale = 1f };

    /// <summary>True when the graph needs no preprocessing nodes.</summary>
    public bool IsIdentity => Padding == 0 && Scale == 1f && Shift == 0f;

    /// <summary>A one-line description for metadata and summaries.</summary>
    public string Describe()
    {
        if (IsIdentity)
        {
            return "none (the image as given: pixel/255)";
        }

        var steps = new List<string>();
        if (Padding > 0)
        {
            int size = 28 + (2 * Padding);
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
