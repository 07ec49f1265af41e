using System.Globalization;
using System.Text.Json;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

/// <summary>
/// <c>lenet import</c> on what a PyTorch user brings: LeNets written the way their sources write
/// them (the d2l Sequential, the MNIST tutorial's class with its softmax, a Keras-style tanh net,
/// the tutorial net padded, a sigmoid one, the 1998 network with its C3 mask, MXNet's resized
/// net), exported by Debian's PyTorch 1.13 at opsets 13 to 17,
/// with a dynamic or a fixed batch, constant-folded or not (tools/export_torch_lenet.py).
/// </summary>
[TestClass]
public sealed class ImportCommandTests
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;
    private static readonly TemporaryDirectory Exports = new();
    private static JsonElement report;

    private readonly TemporaryDirectory temporary = new();

    // form, opset, axes, folding, the variant it must be recognised as, import options.
    public static IEnumerable<object[]> Exported =>
    [
        ["d2l", 13, "dynamic", "fold", "classic", ""],
        ["d2l", 15, "fixed", "nofold", "classic", ""],
        ["d2l", 17, "dynamic", "nofold", "classic", ""],
        ["d2l", 17, "fixed", "fold", "classic", "--input-scale 255"],
        ["d2l", 16, "batch3", "fold", "classic", ""],
        ["tutorial", 13, "fixed", "nofold", "relu-max", "--normalized 0.5,0.5"],
        ["tutorial", 14, "dynamic", "fold", "relu-max", "--normalized 0.5,0.5"],
        ["tutorial", 17, "dynamic", "nofold", "relu-max", ""],
        ["keras", 13, "dynamic", "fold", "tanh-max", ""],
        ["keras", 16, "fixed", "nofold", "tanh-max", ""],
        ["keras", 17, "dynamic", "nofold", "tanh-max", "--labels digits"],
        ["modern", 13, "dynamic", "nofold", "modern", "--normalized 0.5,0.5"],
        ["modern", 17, "fixed", "fold", "modern", "--normalized 0.5,0.5 --variant modern"],
        ["sigmoid-max", 15, "dynamic", "fold", "sigmoid-max", ""],
        ["sigmoid-max", 17, "fixed", "nofold", "sigmoid-max", ""],
        ["lenet1998", 13, "fixed", "nofold", "original", ""],
        ["lenet1998", 15, "dynamic", "nofold", "original", "--input-scale 255"],
        ["lenet1998", 17, "dynamic", "fold", "original", "--variant original"],
        ["mxnet", 13, "fixed", "nofold", "sigmoid-max-96", ""],
        ["mxnet", 17, "dynamic", "fold", "sigmoid-max-96", ""],
    ];

    [ClassInitialize]
    public static void Export(TestContext context)
    {
        _ = context;
        RealFashionMnist.Require();
        var specs = new List<string>();
        foreach (object[] row in Exported)
        {
            specs.AddRange(["--spec", $"{row[0]}:{row[1]}:{row[2]}:{row[3]}:{Exports.File(Name(row))}"]);
        }

        foreach (string foreign in new[] { "wide", "rgb", "hundred", "deep" })
        {
            specs.AddRange(["--spec", $"{foreign}:17:dynamic:fold:{Exports.File(foreign + ".onnx")}"]);
        }

        Run(specs);

        // Trained a few hundred steps, so that accuracy means something.
        Run(["--train-steps", "300", "--report", Exports.File("report.json"),
            "--spec", $"d2l:17:dynamic:fold:{Exports.File("d2l-trained.onnx")}",
            "--spec", $"tutorial:14:fixed:fold:{Exports.File("tutorial-trained.onnx")}",
            "--spec", $"lenet1998:15:dynamic:nofold:{Exports.File("lenet1998-trained.onnx")}"]);
        report = JsonDocument.Parse(File.ReadAllText(Exports.File("report.json"))).RootElement.Clone();
    }

    [ClassCleanup]
    public static void RemoveExports() => Exports.Dispose();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    [DynamicData(nameof(Exported))]
    public void Import_RecognisesTheVariantAndProvesTheSameOutputs(string form, int opset, string axes, string folding, string variant, string options)
    {
        string output = temporary.File("ours.onnx");
        CliRun run = CliRun.Of(["import", "--model", Exports.File(Name([form, opset, axes, folding])), "-o", output, .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        StringAssert.Contains(run.Output, $"recognised LeNet-5 '{variant}'");
        StringAssert.Contains(run.Output, "every top class equal");
        using LeNetClassifier imported = LeNetClassifier.Load(output);
        Assert.AreEqual(variant, imported.Variant);
        Assert.AreEqual(options.Contains("digits", StringComparison.Ordinal) ? "0" : "T-shirt/top", imported.Labels[0]);
        StringAssert.StartsWith(imported.Metadata["lenet.import.source"], form);
        Assert.AreEqual(64, imported.Metadata["lenet.import.sha256"].Length);
    }

    [TestMethod]
    [DataRow("d2l-trained.onnx", "")]
    [DataRow("tutorial-trained.onnx", "--normalized 0.5,0.5")]
    [DataRow("lenet1998-trained.onnx", "")]
    public void ImportThenEvaluate_ReachesTheAccuracyPyTorchComputed(string file, string options)
    {
        string model = temporary.File("ours.onnx");
        CliRun import = CliRun.Of(["import", "--model", Exports.File(file), "-o", model, .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.AreEqual(0, import.ExitCode, import.Error);
        CliRun evaluate = CliRun.Of("evaluate", "--model", model, "--data", DebianFashionMnist);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.Error);
        double torch = report.GetProperty(Exports.File(file)).GetProperty("test_accuracy").GetDouble();
        Assert.IsGreaterThan(0.3, torch, "the PyTorch run must have learned something for the comparison to mean anything");
        string line = evaluate.Output.Split('\n').First(l => l.StartsWith("accuracy ", StringComparison.Ordinal));
        double ours = double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);

        // Float rounding may flip a near-tie or two among 10,000 images.
        Assert.AreEqual(torch, ours, 0.0003, evaluate.Output);
    }

    [TestMethod]
    public void TrainFrom_FineTunesTheImportedModel_AndArtifactsStartFromIt()
    {
        string model = temporary.File("ours.onnx");
        Assert.AreEqual(0, CliRun.Of("import", "--model", Exports.File("tutorial-trained.onnx"), "-o", model, "--normalized", "0.5,0.5").ExitCode);
        using (LeNetClassifier imported = LeNetClassifier.Load(model))
        {
            Assert.IsFalse(imported.Metadata.ContainsKey("lenet.test_accuracy"), "an import carries no test accuracy of ours");
        }

        string tuned = temporary.File("tuned.onnx");
        CliRun train = CliRun.Of("train", "--recipe", "mnist-tutorial", "--from", model, "--epochs", "1", "--train-limit", "2048", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", tuned);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Output, "starting from the weights of");
        using (LeNetClassifier classifier = LeNetClassifier.Load(tuned))
        {
            Assert.AreEqual("relu-max", classifier.Variant);

            // Fine-tuning a model at 0.80 keeps it far above the 0.1 of a fresh start after 2,048 images.
            Assert.IsGreaterThan(0.7, double.Parse(classifier.Metadata["lenet.test_accuracy"], CultureInfo.InvariantCulture));
        }

        CliRun artifacts = CliRun.Of("artifacts", "--from", model, "-o", temporary.File("artifacts"));
        Assert.AreEqual(0, artifacts.ExitCode, artifacts.Error);
        StringAssert.Contains(artifacts.Output, "LeNet-5 'relu-max'");
    }

    [TestMethod]
    public async Task ImportedModel_IsPredictedAndServed()
    {
        string model = temporary.File("ours.onnx");
        Assert.AreEqual(0, CliRun.Of("import", "--model", Exports.File("lenet1998-trained.onnx"), "-o", model).ExitCode);
        CliRun predict = CliRun.Of("predict", "--model", model, $"{RealFashionMnist.TestImagesFile}:0-3");
        Assert.AreEqual(0, predict.ExitCode, predict.Error);
        StringAssert.Contains(predict.Output, "t10k-images-idx3-ubyte.gz:3: ");

        await using var server = await Serving.ServeProcess.StartAsync(model);
        using var body = new ByteArrayContent(RealFashionMnist.Test().Image(0).ToArray());
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var client = new HttpClient { BaseAddress = server.Url };
        using HttpResponseMessage response = await client.PostAsync("/v1/classify", body);
        string answer = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, answer);
        StringAssert.Contains(answer, "\"label\"");
    }

    [TestMethod]
    public void TrainFrom_RefusesResumeAndAnotherVariant()
    {
        string model = temporary.File("ours.onnx");
        Assert.AreEqual(0, CliRun.Of("import", "--model", Exports.File("d2l-trained.onnx"), "-o", model).ExitCode);
        CliRun.Of("train", "--from", model, "--resume", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("t.onnx"))
            .AssertUsageError("--from and --resume");
        CliRun.Of("train", "--from", model, "--variant", "relu-max", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("t.onnx"))
            .AssertUsageError("--variant relu-max does not match");
    }

    [TestMethod]
    [DataRow("wide", "the input is 32×32; LeNetOnnx models take 28×28 images")]
    [DataRow("rgb", "the input has 3 channels; LeNet-5 reads one grey channel")]
    [DataRow("hundred", "classifies into 100 classes")]
    [DataRow("deep", "layer 4 (node '/extra/Conv' (Conv): Conv 6→6 3×3, padding 1) is not C3")]
    public void Import_RefusesModelsThatAreNotLeNets(string form, string mentions)
    {
        string output = temporary.File("ours.onnx");
        CliRun.Of("import", "--model", Exports.File(form + ".onnx"), "-o", output).AssertUsageError(mentions);
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void Import_WithoutTheNormalisationAPaddedNetWasTrainedOn_IsRefusedSayingWhichOption()
    {
        string output = temporary.File("ours.onnx");
        CliRun.Of("import", "--model", Exports.File(Name(["modern", 13, "dynamic", "nofold"])), "-o", output)
            .AssertUsageError("check --input-scale and --normalized");
        Assert.IsFalse(File.Exists(output));
    }

    [TestMethod]
    public void Import_AsAVariantOfAnotherShape_NamesTheDifference()
    {
        CliRun.Of("import", "--model", Exports.File(Name(["d2l", 13, "dynamic", "fold"])), "-o", temporary.File("ours.onnx"), "--variant", "tanh-max")
            .AssertUsageError("variant 'tanh-max' is Tanh, MaxPool, C1 padding 0; the model is Sigmoid, AveragePool, C1 padding 2");
    }

    private static string Name(object[] row) => $"{row[0]}-{row[1]}-{row[2]}-{row[3]}.onnx";

    private static void Run(List<string> arguments)
    {
        (int code, _, string error) = PythonReference.Run("export_torch_lenet.py", [.. arguments]);
        Assert.AreEqual(0, code, error);
    }
}
