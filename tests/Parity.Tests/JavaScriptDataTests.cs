using System.Runtime.InteropServices;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// <c>tools/node/lenet_data.mjs</c>, the data layer of training outside .NET, against the C# it
/// mirrors: the per-epoch shuffle bit for bit, checkpoints read and written back (C# reads what
/// JavaScript writes), a corrupt checkpoint refused, and the IDX files.
/// </summary>
[TestClass]
public sealed class JavaScriptDataTests
{
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    [DataRow(60_000, 1UL, 0)]
    [DataRow(60_000, 42UL, 9)]
    [DataRow(4_096, 18_446_744_073_709_551_615UL, 3)]
    [DataRow(1, 7UL, 0)]
    public void EpochOrder_IsShuffleOrderBitForBit(int count, ulong seed, int epoch)
    {
        string output = temporary.File("order.bin");
        Run("order", count.ToString(System.Globalization.CultureInfo.InvariantCulture), seed.ToString(System.Globalization.CultureInfo.InvariantCulture), epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
        CollectionAssert.AreEqual(ShuffleOrder.ForEpoch(count, seed, epoch), MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(output)).ToArray());
    }

    [TestMethod]
    [DataRow("sgd")]
    [DataRow("adam")]
    public void Checkpoint_WrittenByJavaScript_IsReadByCSharpWithTheSameContents(string optimizer)
    {
        var options = new OptimizerOptions { Kind = OptimizerOptions.ParseKind(optimizer), LearningRate = 0.01, Momentum = optimizer == "sgd" ? 0.9 : 0 };
        Checkpoint original = TrainingArtifacts.Create(LeNetVariants.Original, options, seed: 5).Checkpoint
            with { Properties = new Dictionary<string, string> { ["recipe"] = "a recipe line", ["train.next_batch"] = "3" } };
        string input = temporary.File("in.lnck"), output = temporary.File("out.lnck");
        CheckpointFile.Write(input, original);
        Run("checkpoint", input, output, "17");
        CheckpointAssert.SameContents(original with { Step = 17 }, CheckpointFile.Read(output));
    }

    [TestMethod]
    public void Checkpoint_WithAFlippedByte_IsRefusedInOneLine()
    {
        byte[] bytes = CheckpointFile.Serialize(TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 }).Checkpoint);
        bytes[bytes.Length / 2] ^= 0x10;
        string input = temporary.File("bad.lnck");
        File.WriteAllBytes(input, bytes);
        (int code, _, string error) = NodeRuntime.RunTool("lenet_data.mjs", "checkpoint", input, temporary.File("out.lnck"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "its SHA-256 checksum does not match");
        Assert.HasCount(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries), error);
        Assert.IsFalse(File.Exists(temporary.File("out.lnck")));
    }

    [TestMethod]
    [DataRow("t10k-images-idx3-ubyte.gz")]
    [DataRow("t10k-labels-idx1-ubyte.gz")]
    public void Idx_GzipIsDecompressedByThePlatform_AsCSharpReadsIt(string file)
    {
        ImageDataSet test = DataSetSplits.Load(FashionMnist.Description, FashionMnistFiles.RequireDirectory()).Test;
        string output = temporary.File("payload.bin");
        Run("idx", Path.Combine(FashionMnist.DebianDirectory, file), output);
        byte[] expected = file.Contains("images", StringComparison.Ordinal) ? test.Images.ToArray() : test.Labels.ToArray();
        CollectionAssert.AreEqual(expected, File.ReadAllBytes(output));
    }

    private static void Run(params string[] arguments)
    {
        (int code, string output, string error) = NodeRuntime.RunTool("lenet_data.mjs", arguments);
        Assert.AreEqual(0, code, output + error);
    }
}
