using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

/// <summary>Builds small IDX files, valid or broken on purpose, from seeded random data.</summary>
internal static class IdxTestFiles
{
    public static byte[] RandomBytes(int length, int seed, int exclusiveMax = 256)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(exclusiveMax);
        }

        return bytes;
    }

    public static byte[] Images(byte[] pixels, int count, int rows = 28, int columns = 28, int magic = 2051) =>
        [.. Header(magic, count, rows, columns), .. pixels];

    public static byte[] Labels(byte[] labels, int count, int magic = 2049) =>
        [.. Header(magic, count), .. labels];

    public static byte[] Header(params int[] fields)
    {
        byte[] header = new byte[fields.Length * 4];
        for (int i = 0; i < fields.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(i * 4), fields[i]);
        }

        return header;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A complete small data set: its four .gz files in memory and a description whose checksums fit them.</summary>
    public static GeneratedDataSet Generate(int trainCount = 50, int testCount = 20, int seed = 1)
    {
        byte[] trainPixels = RandomBytes(trainCount * 784, seed);
        byte[] trainLabels = RandomBytes(trainCount, seed + 1, 10);
        byte[] testPixels = RandomBytes(testCount * 784, seed + 2);
        byte[] testLabels = RandomBytes(testCount, seed + 3, 10);
        var files = new Dictionary<string, byte[]>
        {
            ["train-images-idx3-ubyte"] = Images(trainPixels, trainCount),
            ["train-labels-idx1-ubyte"] = Labels(trainLabels, trainCount),
            ["t10k-images-idx3-ubyte"] = Images(testPixels, testCount),
            ["t10k-labels-idx1-ubyte"] = Labels(testLabels, testCount),
        };
        Dictionary<string, byte[]> archives = files.ToDictionary(f => f.Key + ".gz", f => Gzip(f.Value));
        DataSetFile Describe(string raw) => new()
        {
            FileName = raw + ".gz",
            Published = Checksum.Sha256Of(archives[raw + ".gz"]),
            ContentSha256 = Sha256(files[raw]),
        };

        var description = new DataSetDescription
        {
            Name = "Generated",
            TrainImages = Describe("train-images-idx3-ubyte"),
            TrainLabels = Describe("train-labels-idx1-ubyte"),
            TestImages = Describe("t10k-images-idx3-ubyte"),
            TestLabels = Describe("t10k-labels-idx1-ubyte"),
            Mirrors = [],
            ClassNames = Mnist.ClassNames,
        };
        return new GeneratedDataSet(description, archives, files, trainPixels, trainLabels, testPixels, testLabels);
    }

    public static void WriteAll(IReadOnlyDictionary<string, byte[]> files, string directory)
    {
        foreach ((string name, byte[] bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }
}

/// <summary>A generated data set: <see cref="Archives"/> by .gz name, <see cref="Raw"/> by raw name.</summary>
internal sealed record GeneratedDataSet(
    DataSetDescription Description,
    IReadOnlyDictionary<string, byte[]> Archives,
    IReadOnlyDictionary<string, byte[]> Raw,
    byte[] TrainPixels,
    byte[] TrainLabels,
    byte[] TestPixels,
    byte[] TestLabels);
