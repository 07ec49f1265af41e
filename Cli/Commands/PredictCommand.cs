using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeNetOnnx.Runtime;
using SkiaSharp;

namespace LeNetOnnx.Cli.Commands;

/// <summary>
/// <c>lenet predict</c>: classifies pictures (PNG, JPEG, anything SkiaSharp decodes) and images of
/// IDX files with a model. Every input is read and converted before anything is classified or
/// printed, so a bad input fails the command with nothing on stdout.
/// </summary>
internal static partial class PredictCommand
{
    /// <summary>Top-k lines per input when <c>--top</c> is not given.</summary>
    public const int DefaultTop = 3;

    /// <summary>Images taken from an IDX file given without a range: the first ten.</summary>
    public const int DefaultIdxImages = 10;

    /// <summary>The most images one IDX input may ask for (the size of the largest MNIST-style split).</summary>
    public const int MaxIdxImages = 60_000;

    /// <summary>The largest picture decoded, in pixels (width x height): 100 megapixels.</summary>
    public const long MaxPicturePixels = 100_000_000;

    private const int Size = LeNetClassifier.ImageSize;
    private const int IdxImagesMagic = 2051;
    private const int IdxLabelsMagic = 2049;
    private const int Batch = 256;

    /// <summary>When a picture is inverted (<c>--invert</c>).</summary>
    internal enum InvertMode
    {
        /// <summary>Invert when the background is light (or, on a transparent background, the object is dark).</summary>
        Auto,

        /// <summary>Always invert: the picture is dark ink on a light background.</summary>
        Always,

        /// <summary>Never invert: the picture is already light ink on a dark background, like the data set.</summary>
        Never,
    }

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model (a LeNetOnnx model: lenet build or lenet train).", Required = true };
        var top = new Option<int>("--top", "-k") { Description = $"Classes listed per input, 1 to {LeNetClassifier.ClassCount}.", DefaultValueFactory = _ => DefaultTop };
        top.Validators.Add(result =>
        {
            // A token that is not a number is reported by the parser itself.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out int value)
                && value is < 1 or > LeNetClassifier.ClassCount)
            {
                result.AddError($"--top {value} is out of range; use 1 to {LeNetClassifier.ClassCount}.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of text." };
        var invert = new Option<string>("--invert")
        {
            Description = "When to invert a picture's brightness: auto (when its border is light, so the background becomes black as in the data set), always, never.",
            DefaultValueFactory = _ => "auto",
        };
        invert.AcceptOnlyFromAmong("auto", "always", "never");
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = $"A picture (PNG, JPEG) or an IDX images file (gzip or raw) with an optional 0-based range FILE:START or FILE:START-END (END included); without a range, the first {DefaultIdxImages} images.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("predict", "Classify pictures or IDX images with a model and print the top classes.")
        {
            model, top, json, invert, inputs,
        };
        command.SetAction(result =>
        {
            InvertMode mode = Enum.Parse<InvertMode>(result.GetValue(invert)!, ignoreCase: true);
            var notes = new List<string>();
            var prepared = new List<PreparedImage>();
            foreach (string input in result.GetValue(inputs)!)
            {
                prepared.AddRange(Prepare(input, mode, notes));
            }

            using LeNetClassifier classifier = EvaluateCommand.LoadModel(result.GetValue(model)!.FullName);
            float[] probabilities = Classify(classifier, prepared);
            TextWriter output = result.InvocationConfiguration.Output;
            int k = result.GetValue(top);
            if (result.GetValue(json))
            {
                WriteJson(output, prepared, probabilities, classifier.Labels, k);
            }
            else
            {
                WriteText(output, prepared, probabilities, classifier.Labels, k);
            }

            // Notes wait for success, so that a failure stays the one line on stderr.
            foreach (string note in notes)
            {
                result.InvocationConfiguration.Error.WriteLine(note);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One 28x28 model input: where it came from, its pixels (pixel/255), and what was done to it.</summary>
    /// <param name="Name">The input as given, with <c>:index</c> for an IDX image.</param>
    /// <param name="Pixels">784 values, 0 = background, 1 = ink.</param>
    /// <param name="Inverted">Whether the picture's brightness was inverted.</param>
    /// <param name="Conversion">What the conversion did, for the user; null for IDX images (used as they are).</param>
    internal sealed record PreparedImage(string Name, float[] Pixels, bool Inverted, string? Conversion);

    /// <summary>A picture converted to the model's input.</summary>
    /// <param name="Pixels">784 values, pixel/255, 0 = background.</param>
    /// <param name="Inverted">Whether it was inverted.</param>
    /// <param name="Reason">Why (or why not), e.g. <c>light background</c>.</param>
    internal sealed record ConvertedPicture(float[] Pixels, bool Inverted, string Reason);

    /// <summary>Reads one command-line input into model inputs; throws <see cref="UsageException"/> naming it.</summary>
    internal static IReadOnlyList<PreparedImage> Prepare(string input, InvertMode mode, List<string> notes)
    {
        (string path, string? range) = SplitRange(input);
        byte[] head = ReadHead(path);
        bool idx = (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            || (head.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(head) is IdxImagesMagic or IdxLabelsMagic);
        if (idx)
        {
            return ReadIdx(path, range, notes);
        }

        if (range is not null)
        {
            throw new UsageException($"'{input}': a range applies to IDX image files only, and '{path}' is not one.");
        }

        ConvertedPicture picture = ReadPicture(path, mode);
        return [new PreparedImage(path, picture.Pixels, picture.Inverted, (picture.Inverted ? "inverted: " : "not inverted: ") + picture.Reason)];
    }

    /// <summary>
    /// Splits <c>FILE:RANGE</c>. An existing file is taken whole (its name may hold a colon);
    /// otherwise the text after the last colon is the range.
    /// </summary>
    private static (string Path, string? Range) SplitRange(string input)
    {
        if (input.Length == 0)
        {
            throw new UsageException("An input is empty; give a picture or an IDX images file.");
        }

        int colon = input.LastIndexOf(':');
        if (File.Exists(input) || colon <= 0)
        {
            return (input, null);
        }

        string path = input[..colon];
        return File.Exists(path) ? (path, input[(colon + 1)..]) : (input, null);
    }

    private static byte[] ReadHead(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"'{path}' is a directory; give a picture or an IDX images file.");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            byte[] head = new byte[4];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return head[..read];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"'{path}' does not exist.");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Parses a range: <c>START</c> or <c>START-END</c>, 0-based, END included.</summary>
    private static (int Start, int End) ParseRange(string input, string range)
    {
        Match match = RangePattern().Match(range);
        if (!match.Success
            || !int.TryParse(match.Groups["start"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int start)
            || !int.TryParse(match.Groups["end"].Success ? match.Groups["end"].Value : match.Groups["start"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int end))
        {
            throw new UsageException($"'{input}': bad range '{range}'; use FILE:START or FILE:START-END (0-based, END included), e.g. t10k-images-idx3-ubyte.gz:0-9.");
        }

        if (end < start)
        {
            throw new UsageException($"'{input}': bad range '{range}': END {end} is before START {start}.");
        }

        return (start, end);
    }

    [GeneratedRegex(@"^(?<start>[0-9]+)(-(?<end>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();

    /// <summary>
    /// Reads the images of a range from an IDX images file (gzip or raw, told by its magic): the
    /// header is checked (magic, 28x28, count), only the range is decompressed and kept.
    /// </summary>
    private static IReadOnlyList<PreparedImage> ReadIdx(string path, string? range, List<string> notes)
    {
        string shown = range is null ? path : $"{path}:{range}";
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            bool compressed = file.ReadByte() == 0x1f;
            file.Position = 0;
            using Stream data = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            Span<byte> header = stackalloc byte[16];
            int read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            int magic = read >= 4 ? BinaryPrimitives.ReadInt32BigEndian(header) : 0;
            if (magic == IdxLabelsMagic)
            {
                throw new UsageException($"'{path}' is an IDX labels file; give the images file (…-images-idx3-ubyte).");
            }

            if (magic != IdxImagesMagic || read < header.Length)
            {
                throw new UsageException($"'{path}' is not an IDX images file (magic {IdxImagesMagic} and a 16-byte header expected).");
            }

            int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
            int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
            int columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
            if (rows != Size || columns != Size)
            {
                throw new UsageException($"'{path}' holds {rows}x{columns} images; the model takes {Size}x{Size}.");
            }

            if (count <= 0)
            {
                throw new UsageException($"'{path}' holds no images (its header says {count}).");
            }

            int start = 0;
            int end = Math.Min(count, DefaultIdxImages) - 1;
            if (range is null)
            {
                if (count > DefaultIdxImages)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {count:N0} images, classifying the first {DefaultIdxImages} (add :START-END for others, e.g. {path}:0-99)."));
                }
            }
            else
            {
                (start, end) = ParseRange(shown, range);
                if (end >= count)
                {
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{shown}': bad range: the file holds {count:N0} images, 0-{count - 1}."));
                }

                if (end - start + 1 > MaxIdxImages)
                {
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{shown}': {end - start + 1:N0} images are more than the {MaxIdxImages:N0} one input may ask for; split the range."));
                }
            }

            Skip(data, (long)start * LeNetClassifier.PixelsPerImage);
            byte[] pixels = new byte[(end - start + 1) * LeNetClassifier.PixelsPerImage];
            data.ReadExactly(pixels);
            var images = new PreparedImage[end - start + 1];
            for (int i = 0; i < images.Length; i++)
            {
                float[] image = new float[LeNetClassifier.PixelsPerImage];
                ReadOnlySpan<byte> source = pixels.AsSpan(i * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
                for (int p = 0; p < image.Length; p++)
                {
                    image[p] = source[p] / 255f;
                }

                images[i] = new PreparedImage(string.Create(CultureInfo.InvariantCulture, $"{path}:{start + i}"), image, Inverted: false, Conversion: null);
            }

            return images;
        }
        catch (EndOfStreamException)
        {
            throw new UsageException($"'{shown}': the file is truncated before the images asked for end.");
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"'{path}': the gzip data is corrupt ({e.Message}).");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }
    }

    private static void Skip(Stream data, long bytes)
    {
        if (data.CanSeek)
        {
            if (data.Position + bytes > data.Length)
            {
                throw new EndOfStreamException();
            }

            data.Position += bytes;
            return;
        }

        byte[] buffer = new byte[1 << 16];
        while (bytes > 0)
        {
            int read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, bytes));
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            bytes -= read;
        }
    }

    /// <summary>Decodes a picture with SkiaSharp (EXIF orientation applied) and converts it.</summary>
    private static ConvertedPicture ReadPicture(string path, InvertMode mode)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }

        using var data = SKData.CreateCopy(bytes);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new UsageException($"'{path}' is not a picture SkiaSharp can read (PNG or JPEG) nor an IDX images file.");
        }

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > MaxPicturePixels)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{path}' is {width}x{height} pixels; at most {MaxPicturePixels / 1_000_000} megapixels are read."));
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult decoded = codec.GetPixels(info, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success)
        {
            throw new UsageException($"'{path}' could not be decoded as {codec.EncodedFormat}: {decoded} (the file is truncated or corrupt).");
        }

        return Convert(bitmap.GetPixelSpan(), width, height, codec.EncodedOrigin, mode);
    }

    /// <summary>
    /// Converts a picture (RGBA, unpremultiplied, row-major) to the model's input: upright by its
    /// EXIF orientation, grey by BT.601 luma, transparent as background, inverted when its
    /// background is light (<paramref name="mode"/>), the background level mapped to 0, trimmed
    /// to the object, then the longer side area-averaged to 28 and centred on a black 28x28 canvas.
    /// </summary>
    internal static ConvertedPicture Convert(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin, InvertMode mode)
    {
        (float[] luma, float[] alpha, int w, int h) = Grey(rgba, width, height, origin);

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
                canvas[((top + y) * Size) + left + x] = Math.Clamp(fitted[(y * w) + x], 0f, 255f) / 255f;
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

    /// <summary>Classifies every image in batches; returns N x 10 probabilities.</summary>
    private static float[] Classify(LeNetClassifier classifier, List<PreparedImage> images)
    {
        float[] probabilities = new float[images.Count * LeNetClassifier.ClassCount];
        float[] batch = new float[Batch * LeNetClassifier.PixelsPerImage];
        float[] logits = new float[Batch * LeNetClassifier.ClassCount];
        for (int start = 0; start < images.Count; start += Batch)
        {
            int count = Math.Min(Batch, images.Count - start);
            for (int i = 0; i < count; i++)
            {
                images[start + i].Pixels.CopyTo(batch, i * LeNetClassifier.PixelsPerImage);
            }

            classifier.Classify(
                batch.AsSpan(0, count * LeNetClassifier.PixelsPerImage),
                logits.AsSpan(0, count * LeNetClassifier.ClassCount),
                probabilities.AsSpan(start * LeNetClassifier.ClassCount, count * LeNetClassifier.ClassCount));
        }

        return probabilities;
    }

    private static int[] Top(float[] probabilities, int image, int k)
    {
        int[] indices = new int[k];
        LeNetClassifier.TopK(probabilities.AsSpan(image * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount), indices);
        return indices;
    }

    private static void WriteText(TextWriter output, List<PreparedImage> images, float[] probabilities, IReadOnlyList<string> labels, int k)
    {
        var text = new StringBuilder();
        for (int n = 0; n < images.Count; n++)
        {
            int[] top = Top(probabilities, n, k);
            float Probability(int label) => probabilities[(n * LeNetClassifier.ClassCount) + label];
            text.Append(CultureInfo.InvariantCulture, $"{images[n].Name}: {labels[top[0]]} ({Probability(top[0]):0.000})");
            if (images[n].Conversion is { } conversion)
            {
                text.Append(CultureInfo.InvariantCulture, $" [{conversion}]");
            }

            text.Append('\n');
            for (int r = 0; r < k; r++)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {r + 1}. {labels[top[r]]} {Probability(top[r]):0.000}\n");
            }
        }

        output.Write(text.ToString());
    }

    private static void WriteJson(TextWriter output, List<PreparedImage> images, float[] probabilities, IReadOnlyList<string> labels, int k)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            for (int n = 0; n < images.Count; n++)
            {
                int[] top = Top(probabilities, n, k);
                float Probability(int label) => probabilities[(n * LeNetClassifier.ClassCount) + label];
                writer.WriteStartObject();
                writer.WriteString("input", images[n].Name);
                writer.WriteString("label", labels[top[0]]);
                writer.WriteNumber("index", top[0]);
                writer.WriteNumber("probability", Probability(top[0]));
                writer.WriteBoolean("inverted", images[n].Inverted);
                if (images[n].Conversion is { } conversion)
                {
                    writer.WriteString("conversion", conversion);
                }
                else
                {
                    writer.WriteNull("conversion");
                }

                writer.WriteStartArray("top");
                foreach (int label in top)
                {
                    writer.WriteStartObject();
                    writer.WriteString("label", labels[label]);
                    writer.WriteNumber("index", label);
                    writer.WriteNumber("probability", Probability(label));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
