using SkiaSharp;

namespace LeNetOnnx.Imaging;

/// <summary>A decoded picture as it was stored, before its EXIF orientation is applied.</summary>
/// <param name="Rgba">Width x height x 4 bytes: red, green, blue, alpha (unpremultiplied), row-major.</param>
/// <param name="Width">Stored width.</param>
/// <param name="Height">Stored height.</param>
/// <param name="Origin">The EXIF orientation: how the stored pixels are turned to be shown upright.</param>
public sealed record DecodedPicture(byte[] Rgba, int Width, int Height, SKEncodedOrigin Origin);
