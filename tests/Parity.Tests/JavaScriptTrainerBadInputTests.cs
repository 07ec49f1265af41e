using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// The bad-input rows of <c>tools/node/train.mjs</c>: each mistake gets one line on stderr, its
/// exit code (2 bad input, 4 diverged) and no model file; never a stack trace.
/// </summary>
[TestClass]
public sealed class JavaScriptTrainerBadInputTests
{
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    [DataRow("unknown option", "--bogus", 2, "Unknown option '--bogus'")]
    [DataRow("no artifacts", "-", 2, "--artifacts DIR is required")]
    [DataRow("artifacts missing", "--artifacts {dir}/none", 2, "does not exist")]
    [DataRow("recipe.json not JSON", "{recipe:garbage}", 2, "is not JSON")]
    [DataRow("recipe.json of another kind", "{recipe:{\"format\":\"other\"}}", 2, "is not a LeNetOnnx recipe")]
    [DataRow("recipe.json edited", "{recipe:edited}", 2, "another version of LeNetOnnx")]
    [DataRow("another recipe asked", "--recipe keras", 2, "are the 'd2l' recipe's")]
    [DataRow("another seed asked", "--seed 7", 2, "were made with seed 1")]
    [DataRow("epochs zero", "--epochs 0", 2, "--epochs takes a whole number")]
    [DataRow("batch size not a number", "--batch-size many", 2, "--batch-size takes a whole number")]
    [DataRow("train limit above the data", "--train-limit 70000", 2, "the data set has 60000")]
    [DataRow("checkpoint corrupt", "{checkpoint:flipped}", 2, "SHA-256 checksum does not match")]
    [DataRow("data directory empty", "--data {dir}/empty", 2, "does not exist")]
    [DataRow("data truncated", "{data:truncated}", 2, "is not complete gzip data")]
    [DataRow("data of another set", "{data:swapped}", 2, "is not the fashion-mnist file")]
    [DataRow("resume without checkpoint", "--resume", 2, "the checkpoint to resume")]
    [DataRow("resume another recipe's run", "{resume:other}", 2, "made by another recipe")]
    [DataRow("output is a directory", "-o {dir}", 2, "is a directory")]
    [DataRow("loss becomes NaN", "{lr:huge}", 4, "training diverged")]
    public void TrainMjs_RefusesInOneLine(string name, string arguments, int exitCode, string message)
    {
        string dir = temporary.Path;
        string artifacts = Path.Combine(dir, "art");
        string data = Path.Combine(dir, "data");
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        TrainingRecipe recipe = arguments == "{lr:huge}" ? Recipes.D2l with { Optimizer = Recipes.D2l.Optimizer with { LearningRate = 1e6 } } : Recipes.D2l;
        AtomicDirectory.Write(artifacts, RecipeFile.Files(RecipeFile.ArtifactsOf(recipe), recipe));
        Directory.CreateDirectory(data);
        foreach (DataSetFile file in FashionMnist.Description.Files)
        {
            File.Copy(Path.Combine(FashionMnistFiles.RequireDirectory(), file.FileName), Path.Combine(data, file.FileName));
        }

        string model = Path.Combine(dir, "model.onnx");
        string run = Path.Combine(dir, "run");
        List<string> args = ["--artifacts", artifacts, "--epochs", "1", "--train-limit", "512", "--data", data, "--run-dir", run, "-o", model];
        switch (arguments)
        {
            case "{recipe:garbage}":
                File.WriteAllText(Path.Combine(artifacts, RecipeFile.FileName), "{not json");
                break;
            case "{recipe:{\"format\":\"other\"}}":
                File.WriteAllText(Path.Combine(artifacts, RecipeFile.FileName), "{\"format\":\"other\"}");
                break;
            case "{recipe:edited}":
                string path = Path.Combine(artifacts, RecipeFile.FileName);
                File.WriteAllText(path, File.ReadAllText(path).Replace("\"epochs\": 10", "\"epochs\": 12", StringComparison.Ordinal));
                break;
            case "{checkpoint:flipped}":
                byte[] bytes = File.ReadAllBytes(Path.Combine(artifacts, "checkpoint.lnck"));
                bytes[bytes.Length / 2] ^= 1;
                File.WriteAllBytes(Path.Combine(artifacts, "checkpoint.lnck"), bytes);
                break;
            case "{data:truncated}":
                string images = Path.Combine(data, "t10k-images-idx3-ubyte.gz");
                File.WriteAllBytes(images, File.ReadAllBytes(images)[..100_000]);
                break;
            case "{data:swapped}":
                File.Copy(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"), overwrite: true);
                break;
            case "{resume:other}":
                (int first, string output, string error) = NodeRuntime.RunTool("train.mjs", [.. args[..^2], "--stop-after-steps", "1"]);
                Assert.AreEqual(0, first, output + error);
                args = ["--artifacts", artifacts, "--epochs", "2", "--train-limit", "512", "--data", data, "--run-dir", run, "-o", model, "--resume"];
                break;
            case "{lr:huge}":
                args.AddRange(["--batch-size", "16"]);
                break;
            case "-":
                args = [];
                break;
            default:
                args.AddRange(arguments.Replace("{dir}", dir, StringComparison.Ordinal).Split(' '));
                break;
        }

        (int code, string stdout, string stderr) = NodeRuntime.RunTool("train.mjs", [.. args]);
        Assert.AreEqual(exitCode, code, $"{name}: {stdout}{stderr}");
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, $"{name}: {stderr}");
        StringAssert.StartsWith(lines[0], "train.mjs: ", name);
        StringAssert.Contains(lines[0], message, name);
        Assert.IsFalse(File.Exists(model), $"{name}: no model may be written");
    }
}
