using System.Globalization;
using System.Reflection;
using System.Text.Json;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.TorchSharpPeer;
using TorchSharp;
using static TorchSharp.torch;

// The TorchSharp side of bench/compare.sh: the figures tools/torch_bench.py measures in PyTorch.
//   torchsharp-peer --model INITIAL.onnx [--data DIR] [--epochs N] [--batch B] [--lr LR] [--threads T] [--seconds S] [--seed N]
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--data"] = FashionMnist.DebianDirectory, ["--epochs"] = "3", ["--batch"] = "256", ["--lr"] = "0.9",
    ["--threads"] = "0", ["--seconds"] = "3", ["--seed"] = "1",
};
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine("torchsharp-peer --model INITIAL.onnx [--data DIR] [--epochs N] [--batch B] [--lr LR] [--threads T] [--seconds S] [--seed N]: the d2l recipe in TorchSharp, figures as one JSON object.");
    return 0;
}

try
{
    for (int i = 0; i < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || (args[i] != "--model" && !settings.ContainsKey(args[i])) || i + 1 >= args.Length)
        {
            throw new ArgumentException($"unknown option or missing value '{args[i]}'; use --model FILE, {string.Join(", ", settings.Keys.Select(k => k + " VALUE"))}");
        }

        settings[args[i]] = args[i + 1];
    }

    string model = settings.GetValueOrDefault("--model") ?? throw new ArgumentException("--model FILE is required: the untrained classic model (lenet build --variant classic --seed 1)");
    int epochs = Positive("--epochs");
    int batch = Positive("--batch");
    int threads = int.Parse(settings["--threads"], CultureInfo.InvariantCulture) is > 0 and var t ? t : Environment.ProcessorCount;
    double learningRate = double.Parse(settings["--lr"], CultureInfo.InvariantCulture);
    double seconds = double.Parse(settings["--seconds"], CultureInfo.InvariantCulture);
    long seed = long.Parse(settings["--seed"], CultureInfo.InvariantCulture);

    ImportedModel initial = LeNetModelReader.Read(model);
    if (initial.Variant.Variant != "classic")
    {
        throw new ArgumentException($"{model} is the '{initial.Variant.Variant}' variant; the d2l recipe trains 'classic'");
    }

    set_num_threads(threads);
    manual_seed(seed);
    using var module = new D2lLeNet();
    module.Load(initial.Weights);
    string data = settings["--data"];
    (Tensor trainImages, Tensor trainLabels) = Split(data, "train");
    (Tensor testImages, Tensor testLabels) = Split(data, "t10k");
    var run = new PeerRun(module, trainImages, trainLabels, testImages, testLabels);
    List<EpochFigure> figures = run.Train(epochs, batch, learningRate, seed);
    EpochFigure[] steady = figures.Count > 1 ? [.. figures.Skip(1)] : [.. figures];
    double epochSeconds = steady.Average(f => f.Seconds);
    double throughput = run.Throughput(batch, seconds);
    double[] latencies = run.SingleImageMicroseconds(seconds);
    Console.WriteLine(JsonSerializer.Serialize(
        new Dictionary<string, object>
        {
            ["torchsharp"] = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown",
            ["threads"] = threads,
            ["train_epochs"] = figures.Select(f => new Dictionary<string, object> { ["epoch"] = f.Epoch, ["seconds"] = f.Seconds, ["test_accuracy"] = f.TestAccuracy }).ToArray(),
            ["train_epoch_seconds"] = epochSeconds,
            ["train_images_per_second"] = trainLabels.shape[0] / epochSeconds,
            ["train_final_test_accuracy"] = figures[^1].TestAccuracy,
            ["inference_images_per_second"] = throughput,
            ["single_p50_us"] = Rank(latencies, 50),
            ["single_p99_us"] = Rank(latencies, 99),
            ["single_calls"] = latencies.Length,
        },
        new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or IOException or ModelImportException or DataSetException or InvalidDataException)
{
    Console.Error.WriteLine($"torchsharp-peer: {e.Message}");
    return 2;
}

int Positive(string name) => int.Parse(settings[name], CultureInfo.InvariantCulture) is > 0 and var value
    ? value
    : throw new ArgumentException($"{name} must be at least 1");

// The nearest-rank percentile, as tools/torch_bench.py computes it.
static double Rank(double[] sorted, double percentile) =>
    sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

// Images [N, 1, 28, 28] as pixel/255 and labels [N] as int64, read by our IDX reader.
static (Tensor Images, Tensor Labels) Split(string directory, string prefix)
{
    ImageDataSet set = ImageDataSet.Load(prefix, Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
    float[] pixels = new float[set.Images.Length];
    ReadOnlySpan<byte> bytes = set.Images.Span;
    for (int i = 0; i < pixels.Length; i++)
    {
        pixels[i] = bytes[i] / 255f;
    }

    long[] labels = [.. set.Labels.ToArray().Select(l => (long)l)];
    return (tensor(pixels, [set.Count, 1, set.Rows, set.Columns]), tensor(labels, [set.Count]));
}
