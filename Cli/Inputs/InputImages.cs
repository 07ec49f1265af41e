using System.Globalization;
using System.Text.RegularExpressions;
using LeNetOnnx.Imaging;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Inputs;

/// <summary>
/// The images <c>lenet predict</c> classifies, read from its inputs: a picture becomes one model
/// input by <see cref="PictureConversion"/>; an IDX images file, gzip or raw, gives the images of
/// a range, used as they are. Every problem is a <see cref="UsageException"/> naming the input.
/// </summary>
internal static partial class InputImages
{
    /// <summary>Images taken from an IDX file given without a range: the first ten.</summary>
    public const int DefaultIdxImages = 10;

    /// <summary>The most images one IDX input may ask for (the size of the largest MNIST-style split).</summary>
    public const int MaxIdxImages = 60_000;

    /// <summary>The largest picture decoded, in pixels (width x height): 100 megapixels.</summary>
    public const long MaxPicturePixels = 100_000_000;

    private const int Size = LeNetClassifier.ImageSize;

    /// <summary>Reads one command-line input into model inputs; throws <see cref="UsageException"/> naming it.</summary>
    /// <param name="input">A picture, or an IDX images file with an optional range <c>FILE:START</c> or <c>FILE:START-END</c>.</param>
    /// <param name="mode">When a picture is inverted.</param>
    /// <param name="notes">Gets what the user should know about the choices made, e.g. the images taken from an IDX file without a range.</param>
    public static IReadOnlyList<PreparedImage> Read(string input, InvertMode mode, List<string> notes)
    {
        (string path, string? range) = SplitRange(input);
        if (IdxImageReader.MayBeIdx(ReadHead(path)))
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
            // The parser hands an unknown option to INPUT, which takes any number of words.
            throw new UsageException(path.StartsWith('-')
                ? $"'{path}' is neither an option of 'lenet predict' nor an existing file; see 'lenet predict --help'."
                : $"'{path}' does not exist.");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Parses a range of an IDX file of <paramref name="count"/> images: <c>START</c> or <c>START-END</c>, 0-based, END included.</summary>
    private static (int Start, int End) ParseRange(string input, string range, int count)
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

        if (end >= count)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{input}': bad range: the file holds {count:N0} images, 0-{count - 1}."));
        }

        if (end - start + 1 > MaxIdxImages)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"'{input}': {end - start + 1:N0} images are more than the {MaxIdxImages:N0} one input may ask for; split the range."));
        }

        return (start, end);
    }

    [GeneratedRegex(@"^(?<start>[0-9]+)(-(?<end>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();

    /// <summary>Reads the images of a range from an IDX images file; only the range is decompressed and kept.</summary>
    private static IReadOnlyList<PreparedImage> ReadIdx(string path, string? range, List<string> notes)
    {
        try
        {
            using IdxImageReader idx = IdxImageReader.Open(path, Size, Size);
            if (idx.Count == 0)
            {
                throw new UsageException($"'{path}' holds no images (its header says 0).");
            }

            (int start, int end) = range is null ? FirstImages(path, idx.Count, notes) : ParseRange($"{path}:{range}", range, idx.Count);
            byte[] pixels = idx.ReadImages(start, end - start + 1);
            var images = new PreparedImage[end - start + 1];
            for (int i = 0; i < images.Length; i++)
            {
                float[] image = new float[LeNetClassifier.PixelsPerImage];
                PixelScale.Scale(pixels.AsSpan(i * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage), image);

                images[i] = new PreparedImage(string.Create(CultureInfo.InvariantCulture, $"{path}:{start + i}"), image, Inverted: false, Conversion: null);
            }

            return images;
        }
        catch (DataSetException e)
        {
            // The reader's messages name the file as given, in quotes, as ours do.
            throw new UsageException(e.Message);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }
    }

    private static (int Start, int End) FirstImages(string path, int count, List<string> notes)
    {
        if (count > DefaultIdxImages)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {count:N0} images, classifying the first {DefaultIdxImages} (add :START-END for others, e.g. {path}:0-99)."));
        }

        return (0, Math.Min(count, DefaultIdxImages) - 1);
    }

    /// <summary>Decodes a picture (EXIF orientation applied) and converts it.</summary>
    private static ConvertedPicture ReadPicture(string path, InvertMode mode)
    {
        try
        {
            return PictureConversion.Convert(PictureDecoder.Decode(File.ReadAllBytes(path), MaxPicturePixels), mode);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"'{path}' cannot be read: {e.Message}");
        }
        catch (PictureFormatException e)
        {
            string advice = e.Problem switch
            {
                PictureProblem.NotAPicture => " nor an IDX images file",
                PictureProblem.Undecodable => " (the file is truncated or corrupt)",
                _ => "",
            };
            throw new UsageException($"'{path}' {e.Message}{advice}.");
        }
    }
}
