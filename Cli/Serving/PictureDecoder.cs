using System.Globalization;
using LeNetOnnx.Cli.Commands;
using SkiaSharp;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// Decodes an uploaded picture with SkiaSharp (EXIF orientation applied) and converts it to the
/// model's input with <c>lenet predict</c>'s own conversion, <see cref="PredictCommand.Convert"/>:
/// the same picture gives the same pixels here and there.
/// </summary>
internal static class PictureDecoder
{
    /// <summary>Decodes and converts one picture.</summary>
    /// <param name="bytes">The encoded picture (PNG, JPEG, or another format SkiaSharp reads).</param>
    /// <param name="mode">When to invert its brightness.</param>
    /// <param name="maxPixels">The largest picture decoded, width x height.</param>
    /// <returns>784 values (pixel/255), whether it was inverted and why.</returns>
    /// <exception cref="HttpError">400: not a picture SkiaSharp can read, too large, truncated or corrupt.</exception>
    public static PredictCommand.ConvertedPicture Decode(byte[] bytes, PredictCommand.InvertMode mode, long maxPixels)
    {
        if (bytes.Length == 0)
        {
            throw HttpError.BadRequest("The body is empty; send the picture's bytes.");
        }

        using var data = SKData.CreateCopy(bytes);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw HttpError.BadRequest("The body is not a picture SkiaSharp can read (PNG or JPEG).");
        }

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
        {
            throw HttpError.BadRequest(string.Create(
                CultureInfo.InvariantCulture,
                $"The picture is {width}x{height} pixels; at most {maxPixels / 1_000_000.0:0.#} megapixels are decoded. Scale it down (28x28 is all the model sees)."));
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success)
        {
            throw HttpError.BadRequest($"The picture could not be decoded as {codec.EncodedFormat}: {decoded} (it is truncated or corrupt).");
        }

        return PredictCommand.Convert(bitmap.GetPixelSpan(), width, height, codec.EncodedOrigin, mode);
    }
}
