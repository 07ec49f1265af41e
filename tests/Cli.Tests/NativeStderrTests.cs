using LeNetOnnx.Cli.Tests.CrashConsistency;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

/// <summary>
/// What the in-process tests cannot see: ONNX Runtime's native logger writes to the process's
/// own stderr. A model that loads but cannot run must still give exactly one line there.
/// </summary>
[TestClass]
public sealed class NativeStderrTests
{
    [TestMethod]
    public void Evaluate_AModelWhoseWeightsCannotRun_PrintsOneLineOnTheProcessStderr()
    {
        using var temporary = new TemporaryDirectory();
        byte[] model = LeNetOnnx.Builder.LeNet.LeNet5.Build(LeNetOnnx.Builder.LeNet.LeNetVariants.Classic, seed: 1).ToOnnxBytes();
        var proto = LeNetOnnx.Builder.Onnx.Protos.ModelProto.Parser.ParseFrom(model);
        var weight = proto.Graph.Initializer.First(t => t.Name == "c1.weight");
        weight.Dims[3] = 1;
        weight.RawData = Google.Protobuf.ByteString.CopyFrom(weight.RawData.Span[..(6 * 5 * sizeof(float))]);
        string path = temporary.File("bad-weights.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));

        using var lenet = LenetProcess.Start(temporary.Path, ["evaluate", "--model", path]);
        int exitCode = lenet.WaitForExitAndStreams();

        Assert.AreEqual(2, exitCode, string.Join('\n', lenet.Error));
        Assert.HasCount(1, lenet.Error, string.Join('\n', lenet.Error));
        StringAssert.StartsWith(lenet.Error[0], "lenet: ");
        StringAssert.Contains(lenet.Error[0], "fails to run on blank images");
    }
}
