using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace LeNetOnnx.Imaging;

/// <summary>
/// Decodes a picture (PNG, JPEG, anything SkiaSharp reads) into RGBA pixels and its EXIF
/// orientation, refusing pictures above a number of pixels before any pixel is allocated.
/// <c>lenet predict</c> and <c>lenet serve</c> both decode here, so the same picture gives the
/// same pixels in both.
/// </summary>
public static class PictureDecoder
{
    /// <summary>Decodes one picture.</summary>
    /// <param name="bytes">The encoded picture.</param>
    /// <param name="maxPixels">The largest picture decoded, width x height; its RGBA bytes must fit in one array.</param>
    /// <returns>The pixels as stored, unpremultiplied RGBA, with the orientation to apply.</returns>
    /// <exception cref="PictureFormatException">Not a picture SkiaSharp can read, too large, truncated or corrupt.</exception>
    public static DecodedPicture Decode(byte[] bytes, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPixels, Array.MaxLength / 4);
        using var data = SKData.CreateCopy(bytes);
        using SKCodec? codec = SKCodec.Create(data);
        // WBMP has no signature: Skia takes any file starting with two zero bytes (an IDX file
        // with a damaged magic, say) for one. Nobody sends a WBMP to a garment classifier.
        if (codec is null || codec.EncodedFormat == SKEncodedImageFormat.Wbmp)
        {
            throw new PictureFormatException(PictureProblem.NotAPicture, "is not a picture SkiaSharp can read (PNG or JPEG)");
        }

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
        {
            throw new PictureFormatException(PictureProblem.TooLarge, string.Create(
                CultureInfo.InvariantCulture,
                $"is {width}x{height} pixels; at most {maxPixels / 1_000_000.0:0.#} megapixels are decoded"));
        }

        // Decoded straight into the managed array: no native bitmap and no copy of it.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[] rgba = GC.AllocateUninitializedArray<byte>(info.BytesSize);
        GCHandle pinned = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult decoded;
        try
        {
            decoded = codec.GetPixels(info, pinned.AddrOfPinnedObject());
        }
        finally
        {
            pinned.Free();
        }

        if (decoded != SKCodecResult.Success)
        {
            throw new PictureFormatException(PictureProblem.Undecodable, $"could not be decoded as {codec.EncodedFormat}: {decoded}");
        }

        return new DecodedPicture(rgba, width, height, codec.EncodedOrigin);
    }
}
