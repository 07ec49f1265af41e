namespace LeNetOnnx.Imaging;

/// <summary>
/// Bytes <see cref="PictureDecoder"/> cannot turn into pixels. The message is the problem as a
/// predicate, without subject or final full stop, so that each caller names what it decoded:
/// <c>$"'{path}' {e.Message}."</c> or <c>$"The picture {e.Message}."</c>.
/// </summary>
/// <param name="problem">What is wrong.</param>
/// <param name="message">The problem as a predicate, e.g. <c>is not a picture SkiaSharp can read</c>.</param>
public sealed class PictureFormatException(PictureProblem problem, string message) : Exception(message)
{
    /// <summary>What is wrong, for callers that add their own advice.</summary>
    public PictureProblem Problem { get; } = problem;
}
