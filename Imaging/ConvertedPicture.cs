namespace LeNetOnnx.Imaging;

/// <summary>A picture converted to the model's input by <see cref="PictureConversion.Convert"/>.</summary>
/// <param name="Pixels">784 values, pixel/255, 0 = background.</param>
/// <param name="Inverted">Whether it was inverted.</param>
/// <param name="Reason">Why (or why not), e.g. <c>light background</c>, and what else was done.</param>
public sealed record ConvertedPicture(float[] Pixels, bool Inverted, string Reason);
