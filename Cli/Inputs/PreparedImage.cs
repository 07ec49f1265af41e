namespace LeNetOnnx.Cli.Inputs;

/// <summary>One 28x28 model input: where it came from, its pixels (pixel/255), and what was done to it.</summary>
/// <param name="Name">The input as given, with <c>:index</c> for an IDX image.</param>
/// <param name="Pixels">784 values, 0 = background, 1 = ink.</param>
/// <param name="Inverted">Whether the picture's brightness was inverted.</param>
/// <param name="Conversion">What the conversion did, for the user; null for IDX images (used as they are).</param>
internal sealed record PreparedImage(string Name, float[] Pixels, bool Inverted, string? Conversion);
