using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class ArtifactsCommandTests
{
    private readonly TemporaryDirectory temporary = new();

    private string directory => temporary.Path;

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void Artifacts_WritesTheFiveFilesAndACheckpointOfTheOptions()
    {
        string output = Path.Combine(directory, "out");
        CliRun run = CliRun.Of("artifacts", "--variant", "original", "--optimizer", "adamw", "--lr", "0.002", "--weight-decay", "0.05", "--betas", "0.8", "0.99", "--eps", "1e-6", "--seed", "3", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        CollectionAssert.AreEquivalent(
            new[] { "training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "inference_model.onnx", "checkpoint.lnck" },
            Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        Checkpoint checkpoint = CheckpointFile.Read(Path.Combine(output, "checkpoint.lnck"));
        Assert.AreEqual("original", checkpoint.Variant);
        Assert.AreEqual(new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.002, WeightDecay = 0.05, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6 }, checkpoint.Optimizer);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.Original, seed: 3).ToOnnxBytes(), File.ReadAllBytes(Path.Combine(output, "inference_model.onnx")));
        Assert.AreEqual(1, Directory.GetFileSystemEntries(directory).Length, "no temporary directory may stay behind");
    }

    [TestMethod]
    public void Artifacts_FromAModelStartsFromItsWeightsAndVariant()
    {
        string model = Path.Combine(directory, "m.onnx");
        Assert.AreEqual(0, CliRun.Of("build", "-v", "relu-max", "--seed", "9", "-o", model).ExitCode);
        string output = Path.Combine(directory, "out");
        CliRun run = CliRun.Of("artifacts", "--from", model, "--optimizer", "sgd", "--momentum", "0.9", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        Checkpoint checkpoint = CheckpointFile.Read(Path.Combine(output, "checkpoint.lnck"));
        Assert.AreEqual("relu-max", checkpoint.Variant);
        Assert.AreEqual(9UL, checkpoint.Seed);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.ReluMax, seed: 9).Graph["f6.weight"].Data!.Floats, checkpoint["f6.weight"].Data);
        CollectionAssert.AreEqual(new float[checkpoint["f6.weight"].Data.Length], checkpoint["f6.weight.momentum"].Data);
    }

    [TestMethod]
    [DataRow("--optimizer", "rmsprop", "rmsprop")]
    [DataRow("--lr", "-1", "learning rate")]
    [DataRow("--lr", "NaN", "learning rate")]
    [DataRow("--nesterov", "true", "Nesterov")]
    [DataRow("--momentum", "-0.5", "momentum")]
    [DataRow("--weight-decay", "-1", "weight decay")]
    [DataRow("--eps", "1e-7", "--eps")]
    [DataRow("--betas", "0.9", "--betas")]
    [DataRow("--variant", "lenet-1", "lenet-1")]
    public void Artifacts_RejectsBadOptionsWithoutWriting(string option, string value, string mentions)
    {
        string output = Path.Combine(directory, "out");
        CliRun.Of("artifacts", option, value, "-o", output).AssertUsageError(mentions);
        Assert.IsEmpty(Directory.GetFileSystemEntries(directory));
    }

    [TestMethod]
    public void Artifacts_AdamRejectsSgdOptions() =>
        CliRun.Of("artifacts", "--optimizer", "adam", "--momentum", "0.9", "-o", Path.Combine(directory, "out")).AssertUsageError("apply to sgd");

    [TestMethod]
    public void Artifacts_IntoANonEmptyDirectoryIsRefused()
    {
        File.WriteAllText(Path.Combine(directory, "keep.txt"), "x");
        CliRun.Of("artifacts", "-o", directory).AssertUsageError("not empty");
        CollectionAssert.AreEqual(new[] { "keep.txt" }, Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void Artifacts_FromACorruptTruncatedOrForeignModelFailsWithoutWriting()
    {
        byte[] good = LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes();
        var foreignGraph = new Graph("foreign");
        foreignGraph.AddOutput(foreignGraph.Sigmoid(foreignGraph.AddInput("x", ElementType.Float, new TensorShape(Dim.Named("N"), 3)), name: "y"));
        (string Name, byte[] Bytes, string Mentions)[] cases =
        [
            ("truncated.onnx", good[..(good.Length / 2)], "not a valid ONNX model"),
            ("garbage.onnx", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))], "not"),
            ("empty.onnx", [], "no graph"),
            ("foreign.onnx", OnnxModelWriter.ToBytes(foreignGraph, new ModelDescription()), "not a LeNetOnnx model"),
        ];
        foreach ((string name, byte[] bytes, string mentions) in cases)
        {
            string model = Path.Combine(directory, name);
            File.WriteAllBytes(model, bytes);
            CliRun.Of("artifacts", "--from", model, "-o", Path.Combine(directory, "out")).AssertUsageError(mentions);
            Assert.IsFalse(Directory.Exists(Path.Combine(directory, "out")), name);
            File.Delete(model);
        }

        CliRun.Of("artifacts", "--from", Path.Combine(directory, "missing.onnx"), "-o", Path.Combine(directory, "out")).AssertUsageError("does not exist");
        Assert.IsEmpty(Directory.GetFileSystemEntries(directory));
    }

    [TestMethod]
    public void Artifacts_FromAModelWithAnotherVariantThanAskedIsRefused()
    {
        string model = Path.Combine(directory, "m.onnx");
        File.WriteAllBytes(model, LeNet5.Build(LeNetVariants.Original).ToOnnxBytes());
        CliRun.Of("artifacts", "--from", model, "--variant", "classic", "-o", Path.Combine(directory, "out")).AssertUsageError("does not match");
    }
}
