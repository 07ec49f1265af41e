using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class BuildCommandTests
{
    private readonly TemporaryDirectory temporary = new();

    private string directory => temporary.Path;

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    [DataRow("classic", 17)]
    [DataRow("original", 13)]
    [DataRow("relu-max", 21)]
    public void Build_WritesAModelThatOnnxRuntimeRuns(string variant, int opset)
    {
        string file = Path.Combine(directory, "m.onnx");
        CliRun run = CliRun.Of("build", "--variant", variant, "--output", file, "--opset", opset.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "4");
        Assert.AreEqual(0, run.ExitCode, run.Error);
        StringAssert.Contains(run.Output, $"'{variant}', opset {opset}");
        byte[] bytes = File.ReadAllBytes(file);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.Get(variant), seed: 4, opset: opset).ToOnnxBytes(), bytes);
        CollectionAssert.AreEqual(new long[] { 3, 10 }, OrtRunner.Run(bytes, OrtRunner.RandomImages(3, 1), 3).LogitsShape);
        CollectionAssert.AreEqual(new[] { file }, Directory.GetFiles(directory), "no temporary file may stay behind");
    }

    [TestMethod]
    public void Build_ReplacesAnExistingFileWhole()
    {
        string file = Path.Combine(directory, "m.onnx");
        File.WriteAllText(file, "old contents");
        Assert.AreEqual(0, CliRun.Of("build", "-o", file).ExitCode);
        CollectionAssert.AreEqual(LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes(), File.ReadAllBytes(file));
    }
}
