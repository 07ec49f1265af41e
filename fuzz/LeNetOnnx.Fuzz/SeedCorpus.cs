using System.Buffers.Binary;
using System.IO.Compression;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Fuzz;

/// <summary>
/// The valid inputs fuzzing starts from: small IDX files (raw and gzip), checkpoints and models
/// made by the Builder, and the committed <c>models/lenet-classic.onnx</c>. Built once, lazily;
/// every seed is deterministic.
/// </summary>
public sealed class SeedCorpus
{
    /// <summary>Images (and labels) in each seed IDX file.</summary>
    public const int IdxCount = 3;

    /// <summary>Side of the seed IDX images: 28, as every LeNetOnnx data set.</summary>
    public const int ImageSize = 28;

    private const int ImagesMagic = 2051;
    private const int LabelsMagic = 2049;

    private readonly Lazy<TrainingArtifacts> classic = new(() => TrainingArtifacts.Create(
        LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9 }));

    private readonly Lazy<TrainingArtifacts> original = new(() => TrainingArtifacts.Create(
        LeNetVariants.Original, new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3, WeightDecay = 1e-4 }, seed: 7));

    private readonly Lazy<IReadOnlyList<byte[]>> checkpoints;
    private readonly Lazy<IReadOnlyList<byte[]>> models;

    /// <param name="committedModel">The committed model file (<c>models/lenet-classic.onnx</c>); null or missing leaves it out.</param>
    /// <remarks>
    /// Checkpoints and models are built on first use, not here: under SharpFuzz, instrumented
    /// code (the Builder) may only run once the fuzzer has started.
    /// </remarks>
    public SeedCorpus(string? committedModel)
    {
        checkpoints = new(BuildCheckpoints);
        models = new(BuildModels);
        CommittedModel = committedModel is not null && File.Exists(committedModel) ? committedModel : null;
    }

    /// <summary>The committed model used as a seed, or null when it was not found.</summary>
    public string? CommittedModel { get; }

    /// <summary>A valid raw images file of <see cref="IdxCount"/> 28x28 images.</summary>
    public byte[] RawImages { get; } = Idx([ImagesMagic, IdxCount, ImageSize, ImageSize], SeededBytes(IdxCount * ImageSize * ImageSize, 1, 256));

    /// <summary>A valid raw labels file of <see cref="IdxCount"/> labels in 0..9.</summary>
    public byte[] RawLabels { get; } = Idx([LabelsMagic, IdxCount], SeededBytes(IdxCount, 2, 10));

    /// <summary>Images files of <see cref="IdxCount"/> images: raw and gzip.</summary>
    public IReadOnlyList<byte[]> IdxImages => [RawImages, Gzip(RawImages)];

    /// <summary>An images file that holds none (count 0).</summary>
    public byte[] EmptyImages { get; } = Idx([ImagesMagic, 0, ImageSize, ImageSize], []);

    /// <summary>Labels files of <see cref="IdxCount"/> labels: raw and gzip.</summary>
    public IReadOnlyList<byte[]> IdxLabels => [RawLabels, Gzip(RawLabels)];

    /// <summary>
    /// Checkpoints as the trainer writes them: classic with SGD momentum, original with Adam
    /// state and properties, and a two-tensor one that is fast to parse.
    /// </summary>
    public IReadOnlyList<byte[]> Checkpoints => checkpoints.Value;

    /// <summary>Inference models: the committed one (when found), and fresh classic and original builds.</summary>
    public IReadOnlyList<byte[]> Models => models.Value;

    private IReadOnlyList<byte[]> BuildCheckpoints() =>
    [
        CheckpointFile.Serialize(classic.Value.Checkpoint with { Step = 120, Epoch = 1 }),
        CheckpointFile.Serialize(original.Value.Checkpoint with
        {
            Step = 9_000_000_000,
            Epoch = 3,
            Properties = new Dictionary<string, string> { ["recipe"] = "best", ["data.sha256"] = "0f1e" },
        }),
        CheckpointFile.Serialize(new Checkpoint
        {
            Variant = "classic",
            Opset = 17,
            Seed = ulong.MaxValue,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.01 },
            Tensors =
            [
                new CheckpointTensor("out.bias", CheckpointTensorKind.Parameter, [3], [1f, -2f, 0.5f]),
                new CheckpointTensor("out.bias.exp_avg", CheckpointTensorKind.OptimizerState, [1, 2], [0f, float.Epsilon]),
            ],
        }),
    ];

    private IReadOnlyList<byte[]> BuildModels() =>
    [
        .. CommittedModel is null ? [] : new[] { File.ReadAllBytes(CommittedModel) },
        classic.Value.InferenceModel,
        original.Value.InferenceModel,
    ];

    /// <summary>Finds <c>models/lenet-classic.onnx</c> above <paramref name="start"/> (the folder holding LeNetOnnx.sln).</summary>
    public static string? FindCommittedModel(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeNetOnnx.sln")))
            {
                return Path.Combine(dir.FullName, "models", "lenet-classic.onnx");
            }
        }

        return null;
    }

    private static byte[] Idx(int[] header, byte[] body)
    {
        byte[] file = new byte[(header.Length * 4) + body.Length];
        for (int i = 0; i < header.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(i * 4), header[i]);
        }

        body.CopyTo(file, header.Length * 4);
        return file;
    }

    private static byte[] SeededBytes(int length, int seed, int exclusiveMax)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(exclusiveMax);
        }

        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }
}
