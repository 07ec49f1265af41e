using System.Runtime.InteropServices;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

/// <summary><c>tools/read_checkpoint.py</c>, written from the documented format, reads what C# writes.</summary>
[TestClass]
public sealed class CheckpointReaderToolTests
{
    [TestMethod]
    public void ReadCheckpoint_PythonSeesTheSameHeaderAndTensors()
    {
        using var dir = new TemporaryDirectory();
        Checkpoint checkpoint = TrainingArtifacts.Create(LeNetVariants.Original, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.1, Momentum = 0.9 }, seed: 6).Checkpoint with { Step = 77, Epoch = 2 };
        string path = dir.File("c.lnck");
        CheckpointFile.Write(path, checkpoint);

        (int exitCode, string output, string error) = PythonReference.Run("read_checkpoint.py", path, "--tensor", "c3.weight", "--output", dir.File("c3.bin"));
        Assert.AreEqual(0, exitCode, output + error);
        StringAssert.Contains(output, "variant:    original");
        StringAssert.Contains(output, "step:       77");
        StringAssert.Contains(output, "epoch:      2");
        StringAssert.Contains(output, "\"momentum\": 0.9");
        StringAssert.Contains(output, "c3.weight.momentum");
        CollectionAssert.AreEqual(checkpoint["c3.weight"].Data, MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(dir.File("c3.bin"))).ToArray());
    }

    [TestMethod]
    public void ReadCheckpoint_PythonRejectsACorruptFile()
    {
        using var dir = new TemporaryDirectory();
        byte[] bytes = CheckpointFile.Serialize(TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 }).Checkpoint);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(dir.File("bad.lnck"), bytes);
        (int exitCode, string output, string error) = PythonReference.Run("read_checkpoint.py", dir.File("bad.lnck"));
        Assert.AreEqual(1, exitCode, output + error);
        StringAssert.Contains(error, "checksum");
    }
}
