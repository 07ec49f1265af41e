using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Builder.Tests.Training;

[TestClass]
public sealed class CheckpointFileTests
{
    private static readonly Checkpoint Sample = TrainingArtifacts.Create(
        LeNetVariants.Original,
        new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3, WeightDecay = 1e-4 }).Checkpoint with
    {
        Step = 1234,
        Epoch = 5,
        Properties = new Dictionary<string, string> { ["recipe"] = "best", ["data.sha256"] = "abc" },
    };

    [TestMethod]
    public void CheckpointFile_RoundTripsEveryField()
    {
        CheckpointAssert.SameContents(Sample, CheckpointFile.Deserialize(CheckpointFile.Serialize(Sample)));
    }

    [TestMethod]
    public void CheckpointFile_HoldsParametersThenThePerParameterState()
    {
        string[] names = Sample.Tensors.Select(t => t.Name).ToArray();
        Assert.AreEqual("c1.weight", names[0]);
        CollectionAssert.Contains(names, "c3.weight.exp_avg");
        CollectionAssert.Contains(names, "out.bias.exp_avg_sq");
        Assert.IsTrue(Sample.Tensors.SkipWhile(t => t.Kind == CheckpointTensorKind.Parameter).All(t => t.Kind == CheckpointTensorKind.OptimizerState));
    }

    [TestMethod]
    public void CheckpointFile_AnyFlippedByteIsDetected()
    {
        byte[] bytes = CheckpointFile.Serialize(Sample);
        var random = new Random(20261123);
        for (int trial = 0; trial < 50; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int at = random.Next(copy.Length);
            copy[at] ^= (byte)(1 << random.Next(8));
            Assert.ThrowsExactly<CheckpointFormatException>(() => CheckpointFile.Deserialize(copy), $"flip at {at}");
        }
    }

    [TestMethod]
    public void CheckpointFile_TruncationIsDetectedAtEveryLength()
    {
        byte[] bytes = CheckpointFile.Serialize(Sample);
        foreach (int length in new[] { 0, 7, 8, 16, 47, 100, bytes.Length / 2, bytes.Length - 33, bytes.Length - 1 })
        {
            Assert.ThrowsExactly<CheckpointFormatException>(() => CheckpointFile.Deserialize(bytes.AsSpan(0, length)), $"length {length}");
        }
    }

    [TestMethod]
    public void CheckpointFile_ForeignFilesAndOtherVersionsAreNamed()
    {
        CheckpointFormatException foreign = Assert.ThrowsExactly<CheckpointFormatException>(() => CheckpointFile.Deserialize(LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes(), "model.onnx"));
        StringAssert.Contains(foreign.Message, "model.onnx is not a LeNetOnnx checkpoint");

        byte[] bytes = CheckpointFile.Serialize(Sample);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        Resign(bytes);
        StringAssert.Contains(Assert.ThrowsExactly<CheckpointFormatException>(() => CheckpointFile.Deserialize(bytes)).Message, "version 2");
    }

    [TestMethod]
    public void CheckpointFile_ATensorPointingPastTheDataIsRejectedEvenWithAValidChecksum()
    {
        byte[] bytes = CheckpointFile.Serialize(Sample);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        string header = Encoding.UTF8.GetString(bytes, 16, headerLength);
        string forged = header.Replace("\"offset\":0,", "\"offset\":999999999,", StringComparison.Ordinal);
        Assert.AreNotEqual(header, forged);
        byte[] forgedHeader = Encoding.UTF8.GetBytes(forged);
        byte[] rebuilt = [.. bytes.AsSpan(0, 12), .. new byte[4], .. forgedHeader, .. bytes.AsSpan(16 + headerLength, bytes.Length - 16 - headerLength)];
        BinaryPrimitives.WriteUInt32LittleEndian(rebuilt.AsSpan(12), (uint)forgedHeader.Length);
        Resign(rebuilt);
        StringAssert.Contains(Assert.ThrowsExactly<CheckpointFormatException>(() => CheckpointFile.Deserialize(rebuilt)).Message, "does not fit");
    }

    [TestMethod]
    public void CheckpointFile_WriteIsAtomicAndReadVerifies()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lenet-ckpt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "c.lnck");
            CheckpointFile.Write(path, Sample);
            CheckpointFile.Write(path, Sample with { Step = 1235 });
            Assert.AreEqual(1235, CheckpointFile.Read(path).Step);
            CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir));
            Assert.ThrowsExactly<FileNotFoundException>(() => CheckpointFile.Read(Path.Combine(dir, "missing.lnck")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Resign(byte[] bytes) => SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
}
