using System.Globalization;
using LeNetOnnx.Runtime;
using SkiaSharp;

namespace LeNetOnnx.Imaging;

/// <summary>
/// Turns a decoded picture into the model's input the way Fashion-MNIST's own pictures were
/// made: upright, grey, light ink on a black background, trimmed to the object, the longer side
/// area-averaged to 28 and centred on a 28x28 canvas.
/// </summary>
public static class PictureConversion
{
    private const int Size = LeNetClassifier.ImageSize;

    /// <summary>
    /// Converts a decoded picture to the model's input: upright by its EXIF orientation, grey by
    /// BT.601 luma, transparent as background, inverted when its background is light
    /// (<paramref name="mode"/>), the background level mapped to 0, trimmed to the object, then
    /// the longer side area-averaged to 28 and centred on a black 28x28 canvas.
    /// </summary>
    /// <param name="picture">The decoded picture (<see cref="PictureDecoder.Decode"/>).</param>
    /// <param name="mode">When to invert it.</param>
    /// <returns>The model's input and what the conversion did.</returns>
    public static ConvertedPicture Convert(DecodedPicture picture, InvertMode mode)
    {
        (float[] luma, float[] alpha, int w, int h) = Grey(picture.Rgba, picture.Width, picture.Height, picture.Origin);

        // The border: first and last row, first and last column, each pixel once.
        var border = new List<int>(2 * (w + h));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1)
                {
                    border.Add((y * w) + x);
                }
            }
        }

        double borderAlpha = border.Average(i => (double)alpha[i]);
        bool light;
        string reason;
        if (borderAlpha >= 0.5)
        {
            double mean = WeightedMean(luma, alpha, border);
            light = mean > 127;
            reason = string.Create(CultureInfo.InvariantCulture, $"{(light ? "light" : "dark")} background (border mean {mean:0})");
        }
        else
        {
            // Transparent background: it becomes black, so a dark object must become light ink.
            double mean = WeightedMean(luma, alpha, Enumerable.Range(0, luma.Length));
            light = mean <= 127;
            reason = string.Create(CultureInfo.InvariantCulture, $"{(light ? "dark" : "light")} object on a transparent background (object mean {mean:0})");
        }

        bool inverted = mode switch
        {
            InvertMode.Always => true,
            InvertMode.Never => false,
            _ => light,
        };
        if (mode != InvertMode.Auto)
        {
            reason = $"--invert {mode.ToString().ToLowerInvariant()}, the picture has a {reason}";
        }

        // Ink value: 0 background .. 255 ink; transparency fades to background.
        float[] ink = new float[luma.Length];
        for (int i = 0; i < ink.Length; i++)
        {
            ink[i] = alpha[i] * (inverted ? 255f - luma[i] : luma[i]);
        }

        // Map the background level, the median of the border, to 0: paper is never pure white
        // and a wall never black. The median ignores an object touching less than half the border.
        float[] borderInk = [.. border.Select(i => ink[i]).Order()];
        float level = Percentile(borderInk, 0.5);
        if (level is > 0 and < 128)
        {
            float gain = 255f / (255f - level);
            for (int i = 0; i < ink.Length; i++)
            {
                ink[i] = Math.Max(0f, ink[i] - level) * gain;
            }

            reason += string.Create(CultureInfo.InvariantCulture, $", background level {level:0} set to 0");
        }
        else
        {
            level = 0;
        }

        (int left, int top, int cropWidth, int cropHeight) = Trim(ink, w, h, borderInk, level);
        if (cropWidth == w && cropHeight == h)
        {
            return new ConvertedPicture(FitAndCenter(ink, w, h), inverted, reason);
        }

        float[] cropped = new float[cropWidth * cropHeight];
        for (int y = 0; y < cropHeight; y++)
        {
            Array.Copy(ink, ((top + y) * w) + left, cropped, y * cropWidth, cropWidth);
        }

        reason += string.Create(CultureInfo.InvariantCulture, $", trimmed to {cropWidth}x{cropHeight}");
        return new ConvertedPicture(FitAndCenter(cropped, cropWidth, cropHeight), inverted, reason);
    }

    private static float Percentile(float[] sorted, double q) => sorted[(int)Math.Round((sorted.Length - 1) * q)];

    /// <summary>
    /// The box of the object, as Fashion-MNIST's own conversion trims its photos: the rows and
    /// columns where at least 1 pixel in 200 (one at least) stands out of the background, i.e. is
    /// above 1 and above the border's median + 3 x its robust spread (1.4826 x the median absolute
    /// deviation) as <paramref name="borderInk"/> (before the level was subtracted) shows it.
    /// The whole picture is kept when trimming would move or grow the object by at most one
    /// pixel of the 28x28 result (a picture framed like the data set's is used as it is), or when
    /// the box is under 28 pixels on its longer side (a few pixels are not magnified).
    /// </summary>
    private static (int Left, int Top, int Width, int Height) Trim(float[] ink, int w, int h, float[] borderInk, float level)
    {
        float median = Percentile(borderInk, 0.5);
        float[] deviations = [.. borderInk.Select(v => Math.Abs(v - median)).Order()];
        float noise = median + (3 * 1.4826f * Percentile(deviations, 0.5));
        float threshold = Math.Max(1f, (noise - level) * 255f / (255f - level));
        int[] rows = new int[h];
        int[] columns = new int[w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (ink[(y * w) + x] > threshold)
                {
                    rows[y]++;
                    columns[x]++;
                }
            }
        }

        int rowNeed = Math.Max(1, w / 200);
        int columnNeed = Math.Max(1, h / 200);
        int top = Array.FindIndex(rows, c => c >= rowNeed);
        int left = Array.FindIndex(columns, c => c >= columnNeed);
        if (top < 0 || left < 0)
        {
            return (0, 0, w, h);
        }

        int height = Array.FindLastIndex(rows, c => c >= rowNeed) - top + 1;
        int width = Array.FindLastIndex(columns, c => c >= columnNeed) - left + 1;

        // Where the object lands without trimming, in pixels of the 28x28 result.
        double scale = (double)Size / Math.Max(w, h);
        double grows = Size - (Math.Max(width, height) * scale);
        double centreX = ((Size - (w * scale)) / 2) + ((left + (width / 2.0)) * scale);
        double centreY = ((Size - (h * scale)) / 2) + ((top + (height / 2.0)) * scale);
        const double Pixel = 1 + 1e-9;
        bool framed = grows <= Pixel && Math.Abs(centreX - (Size / 2.0)) <= Pixel && Math.Abs(centreY - (Size / 2.0)) <= Pixel;
        bool magnifies = Math.Max(width, height) < Size;
        return framed || magnifies ? (0, 0, w, h) : (left, top, width, height);
    }

    private static double WeightedMean(float[] values, float[] weights, IEnumerable<int> indices)
    {
        double sum = 0;
        double weight = 0;
        foreach (int i in indices)
        {
            sum += (double)weights[i] * values[i];
            weight += weights[i];
        }

        return weight > 0 ? sum / weight : 0;
    }

    /// <summary>BT.601 luma (0..255) and alpha (0..1) of every pixel, turned upright by the EXIF orientation.</summary>
    internal static (float[] Luma, float[] Alpha, int Width, int Height) Grey(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin)
    {
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = swap ? height : width;
        int h = swap ? width : height;
        float[] luma = new float[w * h];
        float[] alpha = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                // The stored pixel shown at (x, y) once the orientation is applied.
                (int sx, int sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, height - 1 - x),
                    SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                    SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                    _ => (x, y),
                };
                int s = ((sy * width) + sx) * 4;

                // Integer weights over 1000, so a grey pixel keeps exactly its value.
                luma[(y * w) + x] = ((299 * rgba[s]) + (587 * rgba[s + 1]) + (114 * rgba[s + 2])) / 1000f;
                alpha[(y * w) + x] = rgba[s + 3] / 255f;
            }
        }

        return (luma, alpha, w, h);
    }

    /// <summary>Scales the longer side to 28 by area averaging (aspect kept) and centres the result on a 28x28 background; returns pixel/255.</summary>
    internal static float[] FitAndCenter(float[] ink, int width, int height)
    {
        double scale = (double)Size / Math.Max(width, height);
        int w = Math.Clamp((int)Math.Round(width * scale), 1, Size);
        int h = Math.Clamp((int)Math.Round(height * scale), 1, Size);
        float[] columns = Resample(ink, width, height, w, horizontal: true);
        float[] fitted = Resample(columns, w, height, h, horizontal: false);
        float[] canvas = new float[LeNetClassifier.PixelsPerImage];
        int left = (Size - w) / 2;
        int top = (Size - h) / 2;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                canvas[((top + y) * Size) + left + x] = PixelScale.Of(Math.Clamp(fitted[(y * w) + x], 0f, PixelScale.Maximum));
            }
        }

        return canvas;
    }

    /// <summary>
    /// Area averaging along one axis: each target pixel is the mean of the source interval it
    /// covers, partly covered source pixels weighted by their overlap. The same length is a copy.
    /// </summary>
    private static float[] Resample(float[] source, int width, int height, int target, bool horizontal)
    {
        int from = horizontal ? width : height;
        int lines = horizontal ? height : width;
        int outWidth = horizontal ? target : width;
        float[] result = new float[horizontal ? target * height : width * target];
        double step = (double)from / target;
        for (int t = 0; t < target; t++)
        {
            double begin = t * step;
            double end = begin + step;
            for (int line = 0; line < lines; line++)
            {
                double sum = 0;
                for (int s = (int)begin; s < from && s < end; s++)
                {
                    double overlap = Math.Min(end, s + 1) - Math.Max(begin, s);
                    sum += overlap * source[horizontal ? (line * width) + s : (s * width) + line];
                }

                result[horizontal ? (line * outWidth) + t : (t * outWidth) + line] = (float)(sum / step);
            }
        }

        return result;
    }
}
