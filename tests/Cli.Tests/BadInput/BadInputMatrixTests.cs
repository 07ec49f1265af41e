using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LeNetOnnx.Cli.Serving;
using LeNetOnnx.Runtime;
using SkiaSharp;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>
/// Every command × every kind of bad input, one row each: the exit code (or HTTP status), one line
/// naming the problem, no stack trace, and nothing written or changed. The rows are grouped by
/// command; a new command adds its own group to <see cref="Rows"/>.
/// </summary>
[TestClass]
public sealed class BadInputMatrixTests
{
    private const int BadInput = ExitCodes.BadInput;
    private const int OutputFailed = ExitCodes.OutputFailed;
    private const string TrainImages = "{data}/train-images-idx3-ubyte.gz";
    private const string TrainLabels = "{data}/train-labels-idx1-ubyte.gz";
    private const string TestImages = "{data}/t10k-images-idx3-ubyte.gz";
    private const string ClassNamesFile = "{data}/labels.txt";
    private static readonly string[] DigitNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static IEnumerable<TestDataRow<BadInputCase>> Rows =>
        Enumerable.Empty<BadInputCase>()
            .Concat(Build())
            .Concat(Summary())
            .Concat(Artifacts())
            .Concat(Train())
            .Concat(Evaluate())
            .Concat(Predict())
            .Concat(Profile())
            .Concat(Bench())
            .Concat(ServeStartup())
            .Concat(ServeRequests())
            .Concat(Digits())
            .Concat(Import())
            .Select(row => new TestDataRow<BadInputCase>(row) { DisplayName = row.ToString() });

    [TestMethod]
    [DynamicData(nameof(Rows))]
    public async Task BadInput_FailsWithOneLineAndWritesNothing(BadInputCase row)
    {
        using var scene = new BadInputScene();
        await row.CheckAsync(scene);
    }

    [TestMethod]
    public void Rows_CoverEveryCommandOfTheCli()
    {
        string[] commands = [.. LenetApp.CreateRoot().Subcommands.Select(c => c.Name)];
        string[] covered = [.. Rows.Select(r => r.Value.Command).Distinct()];

        CollectionAssert.IsSubsetOf(commands, covered, $"commands without bad-input rows: {string.Join(", ", commands.Except(covered))}");
    }

    private static IEnumerable<BadInputCase> Build() =>
    [
        Cli("build", "unknown option", BadInput, "--frobnicate", "-o", "{dir}/m.onnx", "--frobnicate", "1"),
        Cli("build", "output option missing", BadInput, "--output"),
        Cli("build", "opset below range", BadInput, "Opset 12", "-o", "{dir}/m.onnx", "--opset", "12"),
        Cli("build", "opset above range", BadInput, "Opset 22", "-o", "{dir}/m.onnx", "--opset", "22"),
        Cli("build", "opset not a number", BadInput, "seventeen", "-o", "{dir}/m.onnx", "--opset", "seventeen"),
        Cli("build", "unknown variant", BadInput, "lenet-4", "-o", "{dir}/m.onnx", "--variant", "lenet-4"),
        Cli("build", "negative seed", BadInput, "-1", "-o", "{dir}/m.onnx", "--seed", "-1"),
        Cli("build", "output directory missing", BadInput, "does not exist", "-o", "{dir}/missing/m.onnx"),
        Cli("build", "output is a directory", BadInput, "is a directory", "-o", "{dir}"),
        Cli("build", "output is a device", BadInput, "not a regular file", "-o", "/dev/null"),
        Cli("build", "output directory is read-only", BadInput, "{readonly}/m.onnx", "-o", "{readonly}/m.onnx"),
        Cli("build", "output directory is read-only, a previous file stays", BadInput, "{readonly}/m.onnx", "-o", "{readonly}/m.onnx") with { Files = [File("{readonly}/m.onnx", BadFiles.Garbage)] },
        Cli("build", "disk full", OutputFailed, "No space left on device", "-o", "{full}/m.onnx"),
        Cli("build", "disk full, a previous file stays", OutputFailed, "No space left on device", "-o", "{full}/m.onnx") with { Files = [File("{full}/m.onnx", BadFiles.Garbage)] },
    ];

    private static IEnumerable<BadInputCase> Summary() =>
    [
        Cli("summary", "unknown variant", BadInput, "classic, relu-max, tanh-max, sigmoid-max, original, modern", "--variant", "nope"),
        Cli("summary", "unknown option", BadInput, "--output", "--output", "{dir}/s.txt"),
        Cli("summary", "stray argument", BadInput, "extra", "extra"),
    ];

    private static IEnumerable<BadInputCase> Artifacts() =>
    [
        Cli("artifacts", "unknown option", BadInput, "--frobnicate", "-o", "{dir}/out", "--frobnicate"),
        Cli("artifacts", "unknown optimizer", BadInput, "rmsprop", "-o", "{dir}/out", "--optimizer", "rmsprop"),
        Cli("artifacts", "unknown recipe", BadInput, "lenet-zoo", "-o", "{dir}/out", "--recipe", "lenet-zoo"),
        Cli("artifacts", "sgd option for a recipe's keras-adam", BadInput, "apply to sgd", "-o", "{dir}/out", "--recipe", "keras", "--momentum", "0.9"),
        Cli("artifacts", "negative learning rate", BadInput, "learning rate", "-o", "{dir}/out", "--lr", "-1"),
        Cli("artifacts", "NaN learning rate", BadInput, "learning rate", "-o", "{dir}/out", "--lr", "NaN"),
        Cli("artifacts", "infinite learning rate", BadInput, "learning rate", "-o", "{dir}/out", "--lr", "Infinity"),
        Cli("artifacts", "negative weight decay", BadInput, "weight decay", "-o", "{dir}/out", "--weight-decay", "-1"),
        Cli("artifacts", "unknown variant", BadInput, "lenet-1", "-o", "{dir}/out", "--variant", "lenet-1"),
        Cli("artifacts", "negative momentum", BadInput, "momentum", "-o", "{dir}/out", "--momentum", "-0.5"),
        Cli("artifacts", "nesterov without momentum", BadInput, "Nesterov", "-o", "{dir}/out", "--nesterov", "true"),
        Cli("artifacts", "one of two betas", BadInput, "--betas", "-o", "{dir}/out", "--optimizer", "adam", "--betas", "0.9"),
        Cli("artifacts", "beta of 1", BadInput, "beta", "-o", "{dir}/out", "--optimizer", "adam", "--betas", "0.9", "1"),
        Cli("artifacts", "adam option for sgd", BadInput, "--eps", "-o", "{dir}/out", "--eps", "1e-7"),
        Cli("artifacts", "sgd option for adam", BadInput, "apply to sgd", "-o", "{dir}/out", "--optimizer", "adam", "--momentum", "0.9"),
        Cli("artifacts", "from: missing model", BadInput, "does not exist", "-o", "{dir}/out", "--from", "{dir}/none.onnx"),
        Cli("artifacts", "from: empty model", BadInput, "{dir}/bad.onnx", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.Empty)] },
        Cli("artifacts", "from: truncated model", BadInput, "not a valid ONNX model", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.TruncatedModel)] },
        Cli("artifacts", "from: garbage model", BadInput, "{dir}/bad.onnx", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.Garbage)] },
        Cli("artifacts", "from: a checkpoint (wrong magic)", BadInput, "{dir}/bad.onnx", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.OtherRecipeCheckpoint)] },
        Cli("artifacts", "from: model of another task", BadInput, "not a LeNetOnnx model", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.OtherTaskModel)] },
        Cli("artifacts", "from: model of another shape", BadInput, "{dir}/bad.onnx", "-o", "{dir}/out", "--from", "{dir}/bad.onnx") with { Files = [File("{dir}/bad.onnx", BadFiles.OtherShapeModel)] },
        Cli("artifacts", "from: model of another variant than asked", BadInput, "does not match", "-o", "{dir}/out", "--from", "{model}", "--variant", "original"),
        Cli("artifacts", "output directory not empty", BadInput, "not empty", "-o", "{dir}/out") with { Files = [File("{dir}/out/keep.txt", BadFiles.Garbage)] },
        Cli("artifacts", "output is a file", BadInput, "is a file", "-o", "{dir}/out") with { Files = [File("{dir}/out", BadFiles.Garbage)] },
        Cli("artifacts", "output parent missing", BadInput, "does not exist", "-o", "{dir}/missing/out"),
        Cli("artifacts", "output directory is read-only", BadInput, "{readonly}", "-o", "{readonly}/out"),
        Cli("artifacts", "disk full", OutputFailed, "No space left on device", "-o", "{full}/out"),
    ];

    private static IEnumerable<BadInputCase> Import()
    {
        string[] foreign = ["--model", "{dir}/theirs.onnx", "-o", "{dir}/ours.onnx"];
        return
        [
            Cli("import", "unknown option", BadInput, "--frobnicate", [.. foreign, "--frobnicate"]),
            Cli("import", "model option missing", BadInput, "--model", "-o", "{dir}/ours.onnx"),
            Cli("import", "output option missing", BadInput, "--output", "--model", "{model}"),
            Cli("import", "model missing", BadInput, "does not exist", foreign),
            Cli("import", "model empty", BadInput, "no graph", foreign) with { Files = [File("{dir}/theirs.onnx", BadFiles.Empty)] },
            Cli("import", "model is garbage", BadInput, "not a valid ONNX model", foreign) with { Files = [File("{dir}/theirs.onnx", BadFiles.Garbage)] },
            Cli("import", "model truncated", BadInput, "not a valid ONNX model", foreign) with { Files = [File("{dir}/theirs.onnx", BadFiles.TruncatedModel)] },
            Cli("import", "model of another task", BadInput, "not [N, 1, 28, 28]", foreign) with { Files = [File("{dir}/theirs.onnx", BadFiles.OtherTaskModel)] },
            Cli("import", "a LeNetOnnx model already", BadInput, "is already a LeNetOnnx model", "--model", "{model}", "-o", "{dir}/ours.onnx"),
            Cli("import", "unknown variant", BadInput, "lenet-1", [.. foreign, "--variant", "lenet-1"]),
            Cli("import", "input scale 3", BadInput, "Argument '3' not recognized. Must be one of: '1' '255'", [.. foreign, "--input-scale", "3"]),
            Cli("import", "normalization not MEAN,STD", BadInput, "--normalized 'half' is not MEAN,STD", [.. foreign, "--normalized", "half"]) with { Files = [File("{dir}/theirs.onnx", BadFiles.UntrainedModel)] },
            Cli("import", "normalization with std 0", BadInput, "positive standard deviation", [.. foreign, "--normalized", "0.5,0"]) with { Files = [File("{dir}/theirs.onnx", BadFiles.UntrainedModel)] },
            Cli("import", "normalization with NaN", BadInput, "finite mean", [.. foreign, "--normalized", "NaN,0.5"]) with { Files = [File("{dir}/theirs.onnx", BadFiles.UntrainedModel)] },
            Cli("import", "labels neither a name nor a file", BadInput, "--labels 'cifar'", [.. foreign, "--labels", "cifar"]) with { Files = [File("{dir}/theirs.onnx", BadFiles.UntrainedModel)] },
            Cli("import", "labels file of nine names", BadInput, "names 9 classes", [.. foreign, "--labels", "{dir}/labels.txt"]) with { Files = [File("{dir}/theirs.onnx", BadFiles.UntrainedModel), File("{dir}/labels.txt", BadFiles.ClassNames(DigitNames[..9]))] },
        ];
    }

    private static IEnumerable<BadInputCase> Train()
    {
        // Every row fails before the first training step; those past the data check load Fashion-MNIST.
        string[] fast = ["--epochs", "1", "--run-dir", "{dir}/run", "-o", "{dir}/m.onnx"];
        string[] data = [.. fast, "--data", "{data}"];
        return
        [
            Cli("train", "unknown option", BadInput, "--frobnicate", [.. fast, "--frobnicate"]),
            Cli("train", "unknown recipe", BadInput, "lenet-zoo", [.. fast, "--recipe", "lenet-zoo"]),
            Cli("train", "zero epochs", BadInput, "epochs", "--epochs", "0", "--run-dir", "{dir}/run", "-o", "{dir}/m.onnx"),
            Cli("train", "negative batch size", BadInput, "batch size", [.. fast, "--batch-size", "-3"]),
            Cli("train", "negative learning rate", BadInput, "learning rate", [.. fast, "--lr", "-1"]),
            Cli("train", "NaN learning rate", BadInput, "learning rate", [.. fast, "--lr", "NaN"]),
            Cli("train", "negative threads", BadInput, "--threads -1 is out of range; use 0 to 256", [.. fast, "--threads", "-1"]),
            Cli("train", "negative replicas", BadInput, "--replicas -1 is out of range; use 0 to 64", [.. fast, "--replicas", "-1"]),
            Cli("train", "label smoothing of 1", BadInput, "--label-smoothing 1 is out of range", [.. fast, "--label-smoothing", "1"]),
            Cli("train", "zero training images", BadInput, "training images", [.. fast, "--train-limit", "0"]),
            Cli("train", "more training images than the data set", BadInput, "the first 60,001 training images, but Fashion-MNIST has 60,000", [.. data, "--train-limit", "60001"]),
            Cli("train", "negative shift", BadInput, "--shift -1 is out of range; use 0 to 8", [.. fast, "--shift", "-1"]),
            Cli("train", "unknown device", BadInput, "tpu", [.. fast, "--device", "tpu"]),
            Cli("train", "CUDA where it cannot be used", BadInput, "--device cuda: CUDA cannot be used: ", [.. fast, "--device", "cuda"]),
            Cli("train", "unknown optimizer", BadInput, "lion", [.. fast, "--optimizer", "lion"]),
            Cli("train", "data: images file empty", BadInput, "train-images-idx3-ubyte.gz", data) with { Files = [File(TrainImages, BadFiles.Empty)] },
            Cli("train", "data: images file not gzip", BadInput, "train-images-idx3-ubyte.gz", data) with { Files = [File(TrainImages, BadFiles.Garbage)] },
            Cli("train", "data: gzip corrupt", BadInput, "gzip data is corrupt", data) with { Files = [File(TrainImages, () => BadFiles.CorruptGzip(BadFiles.IdxImages(1000)))] },
            Cli("train", "data: gzip truncated", BadInput, "train-images-idx3-ubyte.gz", data) with { Files = [File(TrainImages, () => BadFiles.Cut(BadFiles.Debian("train-images-idx3-ubyte.gz"), 100_000))] },
            Cli("train", "data: wrong magic", BadInput, "expected magic 2051", data) with { Files = [File(TrainImages, () => BadFiles.Gzip(BadFiles.IdxImages(10, magic: 2049)))] },
            Cli("train", "data: IDX truncated", BadInput, "truncated", data) with { Files = [File(TrainImages, () => BadFiles.Gzip(BadFiles.Cut(BadFiles.IdxImages(10), 16 + (784 * 5))))] },
            Cli("train", "data: image and label counts differ", BadInput, "60,000", data) with { Files = [File(TrainLabels, () => BadFiles.Debian("t10k-labels-idx1-ubyte.gz"))] },
            Cli("train", "data: label out of range", BadInput, "label 12", data) with { Files = [File(TrainLabels, () => BadFiles.Gzip(BadFiles.IdxLabels(60_000, last: 12)))] },
            Cli("train", "data: another data set's images", BadInput, "SHA-256", data) with { Files = [File(TrainImages, () => BadFiles.Gzip(BadFiles.IdxImages(60_000)))] },
            Cli("train", "idx: no data directory", BadInput, "--data DIR", [.. fast, "--dataset", "idx"]),
            Cli("train", "idx: data directory missing", BadInput, "no such directory", [.. fast, "--dataset", "idx", "--data", "{dir}/none"]),
            Cli("train", "idx: labels.txt missing", BadInput, "labels.txt: missing", [.. data, "--dataset", "idx"]),
            Cli("train", "idx: labels.txt names nine classes", BadInput, "names 9 classes", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, BadFiles.ClassNames(DigitNames[..9]))] },
            Cli("train", "idx: labels.txt repeats a name", BadInput, "repeats the class name '3'", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, BadFiles.ClassNames([.. DigitNames[..9], "3"]))] },
            Cli("train", "idx: labels.txt has an empty line", BadInput, "line 5 is empty", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, BadFiles.ClassNames([.. DigitNames[..4], "", .. DigitNames[5..]]))] },
            Cli("train", "idx: labels.txt not UTF-8", BadInput, "not UTF-8", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, () => [0x30, 0x0A, 0xFF, 0xFE, 0x0A])] },
            Cli("train", "idx: a label outside labels.txt", BadInput, "label 12", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, BadFiles.ClassNames(DigitNames)), File(TrainLabels, () => BadFiles.Gzip(BadFiles.IdxLabels(60_000, last: 12)))] },
            Cli("train", "idx: images of 32x32", BadInput, "32x32", [.. data, "--dataset", "idx"]) with { Files = [File(ClassNamesFile, BadFiles.ClassNames(DigitNames)), File(TrainImages, () => BadFiles.Gzip(BadFiles.IdxImages(60_000, side: 32)))] },
            Cli("train", "idx: a file missing", BadInput, "t10k-labels-idx1-ubyte", [.. fast, "--dataset", "idx", "--data", "{dir}/idx"]) with { Files = [File("{dir}/idx/labels.txt", BadFiles.ClassNames(DigitNames)), File("{dir}/idx/train-images-idx3-ubyte", () => BadFiles.IdxImages(10)), File("{dir}/idx/train-labels-idx1-ubyte", () => BadFiles.IdxLabels(10)), File("{dir}/idx/t10k-images-idx3-ubyte", () => BadFiles.IdxImages(10))] },
            Cli("train", "diverges: exit 4, nothing exported", ExitCodes.Diverged, "training diverged at epoch 1", "--recipe", "d2l", "--variant", "original", "--train-limit", "12800", "--epochs", "1", "--data", "{debian}", "--run-dir", "{dir}/run", "-o", "{dir}/m.onnx") with { Announces = "training ", Files = [File("{dir}/run/keep.txt", BadFiles.Garbage)] },
            Cli("train", "resume: checkpoint missing", BadInput, "does not exist", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/metrics.jsonl", BadFiles.Empty)] },
            Cli("train", "resume: checkpoint empty", BadInput, "not a LeNetOnnx checkpoint", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/checkpoint.lnck", BadFiles.Empty)] },
            Cli("train", "resume: checkpoint of another format", BadInput, "not a LeNetOnnx checkpoint", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/checkpoint.lnck", BadFiles.UntrainedModel)] },
            Cli("train", "resume: checkpoint truncated", BadInput, "checkpoint.lnck", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/checkpoint.lnck", BadFiles.TruncatedCheckpoint)] },
            Cli("train", "resume: checkpoint corrupt", BadInput, "corrupt", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/checkpoint.lnck", BadFiles.CorruptCheckpoint)] },
            Cli("train", "resume: checkpoint of another recipe and shape", BadInput, "another recipe", [.. fast, "--data", "{debian}", "--resume"]) with { Announces = "training ", Files = [File("{dir}/run/checkpoint.lnck", BadFiles.OtherRecipeCheckpoint)] },
            Cli("train", "run directory is a file", BadInput, "{dir}/run", [.. fast, "--data", "{debian}"]) with { Files = [File("{dir}/run", BadFiles.Garbage)] },
            Cli("train", "run directory is read-only", BadInput, "{readonly}/run", "--epochs", "1", "--data", "{debian}", "--run-dir", "{readonly}/run", "-o", "{dir}/m.onnx"),
            Cli("train", "run directory on a full disk", OutputFailed, "No space left on device", "--epochs", "1", "--data", "{debian}", "--run-dir", "{full}/run", "-o", "{dir}/m.onnx"),
            Cli("train", "output directory is read-only", BadInput, "{readonly}", "--epochs", "1", "--data", "{debian}", "--run-dir", "{dir}/run", "-o", "{readonly}/m.onnx"),
            Cli("train", "output on a full disk", OutputFailed, "No space left on device", "--epochs", "1", "--data", "{debian}", "--run-dir", "{dir}/run", "-o", "{full}/m.onnx"),
            Cli("train", "output on a full disk, a previous model stays", OutputFailed, "No space left on device", "--epochs", "1", "--data", "{debian}", "--run-dir", "{dir}/run", "-o", "{full}/m.onnx") with { Files = [File("{full}/m.onnx", BadFiles.Garbage)] },
            Cli("train", "output is a directory", BadInput, "is a directory", "--epochs", "1", "--run-dir", "{dir}/run", "-o", "{dir}"),
            Cli("train", "output parent is a file", BadInput, "{dir}/file", "--epochs", "1", "--data", "{debian}", "--run-dir", "{dir}/run", "-o", "{dir}/file/m.onnx") with { Files = [File("{dir}/file", BadFiles.Garbage)] },
        ];
    }

    private static IEnumerable<BadInputCase> Digits() =>
    [
        Cli("digits", "unknown option", BadInput, "--frobnicate", "--from", "{dir}/pkg", "-o", "{dir}/out", "--frobnicate"),
        Cli("digits", "from option missing", BadInput, "--from", "-o", "{dir}/out"),
        Cli("digits", "output option missing", BadInput, "--output", "--from", "{dir}/pkg"),
        Cli("digits", "package missing", BadInput, "does not exist", "--from", "{dir}/none", "-o", "{dir}/out"),
        Cli("digits", "a digit file missing", BadInput, "1.json: missing", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", BadFiles.DigitJson(784))] },
        Cli("digits", "a digit file not JSON", BadInput, "not valid JSON", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", BadFiles.Garbage)] },
        Cli("digits", "a digit file without data", BadInput, "no 'data' array", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", () => "{\"pixels\": [0]}"u8.ToArray())] },
        Cli("digits", "a value that is not pixel/255", BadInput, "not a pixel/255", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", BadFiles.DigitJson(784, "0.5"))] },
        Cli("digits", "NaN-like value out of range", BadInput, "not a pixel/255", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", BadFiles.DigitJson(784, "1e308"))] },
        Cli("digits", "a partial image", BadInput, "not whole 28x28 images", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/pkg/src/digits/0.json", BadFiles.DigitJson(700))] },
        .. DigitPackage().Select(row => row with { Files = [.. Enumerable.Range(0, 10).Select(d => File($"{{dir}}/pkg/src/digits/{d}.json", BadFiles.NoisyDigitJson(784 * 12))), .. row.Files] }),
    ];

    /// <summary>Rows whose package is whole (ten digit files of twelve noisy images each, about 90 KB gzipped, more than the full disk holds): only the output is wrong.</summary>
    private static IEnumerable<CommandLineCase> DigitPackage() =>
    [
        Cli("digits", "output directory not empty", BadInput, "not empty", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/out/keep.txt", BadFiles.Garbage)] },
        Cli("digits", "output is a file", BadInput, "is a file", "--from", "{dir}/pkg", "-o", "{dir}/out") with { Files = [File("{dir}/out", BadFiles.Garbage)] },
        Cli("digits", "output parent missing", BadInput, "does not exist", "--from", "{dir}/pkg", "-o", "{dir}/missing/out"),
        Cli("digits", "output directory is read-only", BadInput, "{readonly}", "--from", "{dir}/pkg", "-o", "{readonly}/out"),
        Cli("digits", "disk full", OutputFailed, "No space left on device", "--from", "{dir}/pkg", "-o", "{full}/out"),
    ];

    private static IEnumerable<BadInputCase> Evaluate() =>
    [
        Cli("evaluate", "unknown option", BadInput, "--frobnicate", "--model", "{model}", "--frobnicate"),
        Cli("evaluate", "model option missing", BadInput, "--model"),
        Cli("evaluate", "unknown split", BadInput, "validation", "--model", "{model}", "--split", "validation"),
        Cli("evaluate", "unknown device", BadInput, "tpu", "--model", "{model}", "--device", "tpu"),
        Cli("evaluate", "CUDA where it cannot be used", BadInput, "--device cuda: CUDA cannot be used: ", "--model", "{model}", "--device", "cuda"),
        Cli("evaluate", "unknown data set", BadInput, "cifar", "--model", "{model}", "--dataset", "cifar"),
        Cli("evaluate", "idx: no data directory", BadInput, "--data DIR", "--model", "{model}", "--dataset", "idx"),
        Cli("evaluate", "idx: labels.txt missing", BadInput, "labels.txt: missing", "--model", "{model}", "--dataset", "idx", "--data", "{data}"),
        Cli("evaluate", "model of other classes than the data", BadInput, "classifies into 'T-shirt/top'", "--model", "{model}", "--dataset", "idx", "--data", "{data}") with { Files = [File(ClassNamesFile, BadFiles.ClassNames(DigitNames))] },
        .. ModelRows("evaluate", "--model", "{model-file}"),
        Cli("evaluate", "data: wrong magic", BadInput, "expected magic 2051", "--model", "{model}", "--data", "{data}") with { Files = [File(TestImages, () => BadFiles.Gzip(BadFiles.IdxImages(10, magic: 2049)))] },
        Cli("evaluate", "data: gzip corrupt", BadInput, "gzip data is corrupt", "--model", "{model}", "--data", "{data}") with { Files = [File(TrainImages, () => BadFiles.CorruptGzip(BadFiles.IdxImages(1000)))] },
        Cli("evaluate", "data: image and label counts differ", BadInput, "10,000", "--model", "{model}", "--data", "{data}") with { Files = [File("{data}/t10k-labels-idx1-ubyte.gz", () => BadFiles.Gzip(BadFiles.IdxLabels(9_999)))] },
    ];

    private static IEnumerable<BadInputCase> Predict()
    {
        const string png = "{dir}/p.png";
        CommandLineCase Input(string input, string mentions, string file, Func<byte[]> contents, string argument) =>
            Cli("predict", input, BadInput, mentions, "--model", "{model}", argument) with { Files = [File(file, contents)] };
        return
        [
            Cli("predict", "unknown option", BadInput, "'--frobnicate' is neither an option", "--model", "{model}", "--frobnicate", png) with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "no input", BadInput, "INPUT", "--model", "{model}"),
            Cli("predict", "top 0", BadInput, "--top 0 is out of range", "--model", "{model}", "--top", "0", png) with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "top 11", BadInput, "--top 11 is out of range", "--model", "{model}", "--top", "11", png) with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "top negative", BadInput, "top", "--model", "{model}", "--top", "-1", png) with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "top not a number", BadInput, "three", "--model", "{model}", "--top", "three", png) with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "unknown invert mode", BadInput, "sideways", "--model", "{model}", "--invert", "sideways", png) with { Files = [File(png, () => BadFiles.Picture())] },
            .. ModelRows("predict", "--model", "{model-file}", png).Select(r => r with { Files = [.. r.Files, File(png, () => BadFiles.Picture())] }),
            Cli("predict", "picture missing", BadInput, "'{dir}/none.png' does not exist", "--model", "{model}", "{dir}/none.png"),
            Cli("predict", "picture missing after a good one", BadInput, "'{dir}/none.png' does not exist", "--model", "{model}", png, "{dir}/none.png") with { Files = [File(png, () => BadFiles.Picture())] },
            Cli("predict", "picture missing after an IDX file", BadInput, "'{dir}/none.png' does not exist", "--model", "{model}", "{dir}/i.idx", "{dir}/none.png") with { Files = [File("{dir}/i.idx", () => BadFiles.IdxImages(12))] },
            Cli("predict", "IDX range of a missing file", BadInput, "'{dir}/none.idx:0-3' does not exist", "--model", "{model}", "{dir}/none.idx:0-3"),
            Cli("predict", "input is an empty word", BadInput, "An input is empty", "--model", "{model}", ""),
            Cli("predict", "input is a directory", BadInput, "is a directory", "--model", "{model}", "{dir}"),
            Input("picture empty", "'{dir}/p.png'", png, BadFiles.Empty, png),
            Input("picture is text", "'{dir}/p.png' is not a picture", png, () => Encoding.ASCII.GetBytes("not a picture"), png),
            Input("picture truncated", "'{dir}/p.png'", png, () => BadFiles.Cut(BadFiles.Picture(), 60), png),
            Input("JPEG corrupt", "'{dir}/p.jpg'", "{dir}/p.jpg", BadFiles.CorruptJpeg, "{dir}/p.jpg"),
            Input("IDX wrong magic", "{dir}/i.idx", "{dir}/i.idx", () => BadFiles.IdxImages(3, magic: 2052), "{dir}/i.idx"),
            Input("IDX of zero images", "holds no images", "{dir}/i.idx", () => BadFiles.IdxImages(0), "{dir}/i.idx"),
            Input("IDX labels file", "is an IDX labels file", "{dir}/i.idx", () => BadFiles.IdxLabels(3), "{dir}/i.idx"),
            Input("IDX truncated", "truncated", "{dir}/i.idx", () => BadFiles.Cut(BadFiles.IdxImages(3), 16 + 784 + 5), "{dir}/i.idx:1"),
            Input("IDX empty", "{dir}/i.idx", "{dir}/i.idx", BadFiles.Empty, "{dir}/i.idx"),
            Input("IDX gzip corrupt", "expected 28x28 images", "{dir}/i.idx.gz", () => BadFiles.CorruptGzip(BadFiles.IdxImages(30)), "{dir}/i.idx.gz:0-2"),
            Input("IDX gzip truncated", "{dir}/i.idx.gz", "{dir}/i.idx.gz", () => BadFiles.Cut(BadFiles.Gzip(BadFiles.IdxImages(30)), 200), "{dir}/i.idx.gz:0-29"),
            Input("IDX range not a range", "bad range 'abc'", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:abc"),
            Input("IDX range empty", "bad range ''", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:"),
            Input("IDX range without END", "bad range '1-'", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:1-"),
            Input("IDX range negative", "bad range '-1'", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:-1"),
            Input("IDX range overflows", "bad range '99999999999'", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:99999999999"),
            Input("IDX index past the end", "holds 3 images, 0-2", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:3"),
            Input("IDX range past the end", "holds 3 images, 0-2", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:0-3"),
            Input("IDX range backwards", "END 2 is before START 5", "{dir}/i.idx", () => BadFiles.IdxImages(3), "{dir}/i.idx:5-2"),
            Input("range on a picture", "a range applies to IDX image files only", png, () => BadFiles.Picture(), png + ":0"),
        ];
    }

    private static IEnumerable<BadInputCase> Profile() =>
    [
        Cli("profile", "unknown option", BadInput, "--frobnicate", "--frobnicate"),
        Cli("profile", "unknown variant", BadInput, "lenet-4", "--variant", "lenet-4"),
        Cli("profile", "unknown optimizer", BadInput, "lion", "--optimizer", "lion"),
        Cli("profile", "zero steps", BadInput, "--steps 0 is out of range; use 1 or more", "--steps", "0"),
        Cli("profile", "zero batch size", BadInput, "--batch-size 0 is out of range; use 1 to 65536", "--batch-size", "0"),
        Cli("profile", "batch size of 100 million (8 GB of pixels)", BadInput, "--batch-size 100000000 is out of range; use 1 to 65536", "--batch-size", "100000000"),
        Cli("profile", "negative threads", BadInput, "--threads -1 is out of range; use 0 or more", "--threads", "-1"),
        Cli("profile", "top 0", BadInput, "--top 0 is out of range; use 1 or more", "--top", "0"),
    ];

    private static IEnumerable<BadInputCase> Bench()
    {
        // bench writes nothing but a temporary run directory of its own; its inputs are options, data and a model.
        string[] inference = ["--part", "inference", "--seconds", "0.1"];
        return
        [
            Cli("bench", "unknown option", BadInput, "--frobnicate", "--frobnicate"),
            Cli("bench", "unknown part", BadInput, "everything", "--part", "everything"),
            Cli("bench", "zero epochs", BadInput, "--epochs 0 is out of range; use 1 to 100", "--epochs", "0"),
            Cli("bench", "duration too long", BadInput, "--seconds 1e9 is out of range", "--seconds", "1e9"),
            Cli("bench", "duration not a number", BadInput, "abc", "--seconds", "abc"),
            Cli("bench", "zero callers", BadInput, "--callers 0 is out of range", "--callers", "0"),
            Cli("bench", "zero batch for the batching front", BadInput, "--max-batch 0 is out of range", "--max-batch", "0"),
            Cli("bench", "negative batching delay", BadInput, "--max-delay-ms -1 is out of range", "--max-delay-ms", "-1"),
            Cli("bench", "negative replicas", BadInput, "--replicas -1 is out of range", "--replicas", "-1"),
            .. ModelRows("bench", [.. inference, "--model", "{model-file}"]),
        ];
    }

    private static IEnumerable<BadInputCase> ServeStartup() =>
    [
        Cli("serve", "unknown option", BadInput, "--frobnicate", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--frobnicate"),
        .. ModelRows("serve", "--model", "{model-file}", "--urls", "http://127.0.0.1:0"),
        Cli("serve", "gallery data directory without the data set", BadInput, "does not hold the four Fashion-MNIST files", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--data", "{dir}"),
        Cli("serve", "no-page given a value that is not a boolean", BadInput, "maybe", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--no-page", "maybe"),
        Cli("serve", "CUDA where it cannot be used", BadInput, "--device cuda: CUDA cannot be used: ", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--device", "cuda"),
        Cli("serve", "https address", BadInput, "is not an http address", "--model", "{model}", "--urls", "https://127.0.0.1:5000"),
        Cli("serve", "address without a port", BadInput, "must be just http://HOST:PORT", "--model", "{model}", "--urls", "http://127.0.0.1"),
        Cli("serve", "address with a path", BadInput, "must be just http://HOST:PORT", "--model", "{model}", "--urls", "http://127.0.0.1:5000/v1"),
        Cli("serve", "address not a URL", BadInput, "not-a-url", "--model", "{model}", "--urls", "not-a-url"),
        Cli("serve", "port in use", BadInput, "cannot listen on http://127.0.0.1:{busy-port}", "--model", "{model}", "--urls", "http://127.0.0.1:{busy-port}"),
        Cli("serve", "max batch 0", BadInput, "--max-batch 0 is out of range; use 1 to 4096", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--max-batch", "0"),
        Cli("serve", "max delay above 1000 ms", BadInput, "--max-delay-ms 2000 is out of range; use 0 to 1000", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--max-delay-ms", "2000"),
        Cli("serve", "max delay NaN", BadInput, "--max-delay-ms", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--max-delay-ms", "NaN"),
        Cli("serve", "queue 0", BadInput, "--queue 0 is out of range; use 1 or more", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--queue", "0"),
        Cli("serve", "max request bytes 0", BadInput, "--max-request-bytes 0 is out of range; use 1 or more", "--model", "{model}", "--urls", "http://127.0.0.1:0", "--max-request-bytes", "0"),
    ];

    private static IEnumerable<BadInputCase> ServeRequests()
    {
        const string classify = "/v1/classify";
        string image = "[" + string.Join(',', Enumerable.Repeat("0", LeNetClassifier.PixelsPerImage)) + "]";
        HttpRequestCase Bad(string input, Func<HttpContent> body, string mentions, string path = classify) => new(input, path, body, HttpStatusCode.BadRequest, mentions);
        return
        [
            Bad("HTTP 783 pixels", () => HttpRequestCase.Json(HttpRequestCase.Pixels(783)), "pixels has 783 values"),
            Bad("HTTP 785 pixels", () => HttpRequestCase.Json(HttpRequestCase.Pixels(785)), "more than 784 values"),
            Bad("HTTP NaN pixel", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "NaN")), "not valid JSON"),
            Bad("HTTP \"NaN\" pixel", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "\"NaN\"")), "pixels[5] is a string"),
            Bad("HTTP infinite pixel", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "1e400")), "outside 0..255"),
            Bad("HTTP \"Infinity\" pixel", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "\"Infinity\"")), "pixels[5] is a string"),
            Bad("HTTP negative pixel", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "-1")), "pixels[5] is -1, outside 0..255"),
            Bad("HTTP pixel above 255", () => HttpRequestCase.Json(HttpRequestCase.Pixels(784, "255.5")), "pixels[5] is 255.5, outside 0..255"),
            Bad("HTTP NaN pixel in a batch", () => HttpRequestCase.Json("{\"images\":[" + image + "," + HttpRequestCase.Pixels(784, "NaN")[10..^1] + "]}"), "not valid JSON"),
            Bad("HTTP not JSON", () => HttpRequestCase.Json("pixels=1,2,3"), "not valid JSON"),
            Bad("HTTP empty JSON body", () => HttpRequestCase.Json(""), "not valid JSON"),
            Bad("HTTP trailing garbage", () => HttpRequestCase.Json("{\"pixels\":" + image + "} x"), "not valid JSON"),
            Bad("HTTP JSON array", () => HttpRequestCase.Json("[" + image + "]"), "must be a JSON object"),
            Bad("HTTP unknown property", () => HttpRequestCase.Json("{\"pixel\":" + image + "}"), "Unknown property \"pixel\""),
            Bad("HTTP pixels and images", () => HttpRequestCase.Json("{\"pixels\":" + image + ",\"images\":[" + image + "]}"), "either \"pixels\" or \"images\""),
            Bad("HTTP no images", () => HttpRequestCase.Json("{\"images\":[]}"), "\"images\" is empty"),
            Bad("HTTP short image in a batch", () => HttpRequestCase.Json("{\"images\":[" + image + ",[1,2,3,4,5,6,7,8,9,10]]}"), "images[1] has 10 values"),
            Bad("HTTP 257 images", () => HttpRequestCase.Json("{\"images\":[" + string.Join(',', Enumerable.Repeat(image, 257)) + "]}"), "more than 256 images"),
            Bad("HTTP top 0", () => HttpRequestCase.Json("{\"pixels\":" + image + "}"), "?top=0 is not a whole number from 1 to 10", classify + "?top=0"),
            Bad("HTTP top 11", () => HttpRequestCase.Json("{\"pixels\":" + image + "}"), "?top=11 is not a whole number from 1 to 10", classify + "?top=11"),
            Bad("HTTP not an image", () => HttpRequestCase.Content(Encoding.ASCII.GetBytes("this is not a picture at all"), "image/png"), "not a picture SkiaSharp can read"),
            Bad("HTTP truncated PNG", () => HttpRequestCase.Content(BadFiles.Cut(BadFiles.Picture(), 80), "image/png"), "could not be decoded"),
            Bad("HTTP corrupt JPEG", () => HttpRequestCase.Content(BadFiles.CorruptJpeg(), "image/jpeg"), "is not a picture"),
            Bad("HTTP headerless bytes Skia takes for WBMP", () => HttpRequestCase.Content(BadFiles.IdxImages(1, magic: 2052), "image/png"), "is not a picture"),
            Bad("HTTP empty PNG", () => HttpRequestCase.Content([], "image/png"), "The body is empty"),
            Bad("HTTP raw pixels one byte short", () => HttpRequestCase.Content(new byte[783], "application/octet-stream"), "has 783 bytes; raw pixels are 784 bytes per image"),
            Bad("HTTP raw pixels between two images", () => HttpRequestCase.Content(new byte[784 + 392], "application/octet-stream"), "has 1176 bytes; raw pixels are 784 bytes per image"),
            Bad("HTTP raw pixels empty", () => HttpRequestCase.Content([], "application/octet-stream"), "has 0 bytes"),
            Bad("HTTP raw pixels of 257 images", () => HttpRequestCase.Content(new byte[784 * 257], "application/octet-stream"), "1 to 256 images"),
            Bad("HTTP unknown invert mode", () => HttpRequestCase.Content(BadFiles.Picture(), "image/png"), "?invert=sideways is not auto, always or never", classify + "?invert=sideways"),
            new HttpRequestCase("HTTP body over the limit", classify, () => HttpRequestCase.Json(new string(' ', (int)ServeOptions.DefaultMaxRequestBytes + 1)), HttpStatusCode.RequestEntityTooLarge, "larger than the 1,048,576 bytes allowed"),
            new HttpRequestCase("HTTP chunked body over the limit", classify, () => Chunked(new byte[200 * 1024], "image/png"), HttpStatusCode.RequestEntityTooLarge, "larger than the 65,536 bytes allowed") { Options = new ServeOptions { MaxRequestBytes = 64 * 1024 } },
            new HttpRequestCase("HTTP wrong content type", classify, () => HttpRequestCase.Content(Encoding.UTF8.GetBytes("{\"pixels\":[]}"), "text/plain"), HttpStatusCode.UnsupportedMediaType, "Content-Type 'text/plain' is not served"),
            new HttpRequestCase("HTTP no content type", classify, () => HttpRequestCase.Content(Encoding.UTF8.GetBytes("{\"pixels\":[]}"), null), HttpStatusCode.UnsupportedMediaType, "no Content-Type"),
        ];
    }

    /// <summary>
    /// The model rows every command that loads a model shares. <c>{model-file}</c> in
    /// <paramref name="arguments"/> becomes the row's bad model.
    /// </summary>
    private static IEnumerable<CommandLineCase> ModelRows(string command, params string[] arguments)
    {
        CommandLineCase Row(string input, string mentions, Func<byte[]>? contents)
        {
            string path = contents is null ? "{dir}/none.onnx" : "{dir}/bad.onnx";
            var row = Cli(command, input, BadInput, mentions, [.. arguments.Select(a => a.Replace("{model-file}", path, StringComparison.Ordinal))]);
            return contents is null ? row : row with { Files = [File(path, contents)] };
        }

        return
        [
            Row("model missing", "does not exist", null),
            Row("model empty", "'{dir}/bad.onnx' cannot be used", BadFiles.Empty),
            Row("model truncated", "'{dir}/bad.onnx' cannot be used", BadFiles.TruncatedModel),
            Row("model is garbage", "'{dir}/bad.onnx' cannot be used", BadFiles.Garbage),
            Row("model is a checkpoint (wrong magic)", "'{dir}/bad.onnx' cannot be used", BadFiles.OtherRecipeCheckpoint),
            Row("model of another task", "found 'x' float32 [N,3]", BadFiles.OtherTaskModel),
            Row("model of another shape", "found 'image' float32 [N,1,32,32]", BadFiles.OtherShapeModel),
        ];
    }

    private static CommandLineCase Cli(string command, string input, int exitCode, string mentions, params string[] arguments) =>
        new(command, input, [command, .. arguments], exitCode, mentions);

    private static KeyValuePair<string, Func<byte[]>> File(string path, Func<byte[]> contents) => new(path, contents);

    private static StreamContent Chunked(byte[] bytes, string contentType)
    {
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>A stream that does not tell its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
