using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

[TestClass]
public sealed class OnnxCheckerTests
{
    /// <summary>Debian's onnx 1.12 knows opsets up to 17 (and IR up to 8).</summary>
    private const int NewestCheckedOpset = 17;

    [TestMethod]
    public void OnnxChecker_FullCheckPassesForEveryVariantAtOpsets13To17()
    {
        using var dir = new TemporaryDirectory();
        var files = new List<string>();
        foreach (string variant in LeNetVariants.Names)
        {
            for (int opset = 13; opset <= NewestCheckedOpset; opset++)
            {
                string file = dir.File($"{variant}-opset{opset}.onnx");
                File.WriteAllBytes(file, LeNet5.Build(LeNetVariants.Get(variant), seed: 2, opset: opset).ToOnnxBytes());
                files.Add(file);
            }
        }

        (int exitCode, string output, string error) = PythonReference.Run("check_onnx.py", [.. files]);
        Assert.AreEqual(0, exitCode, output + error);
        foreach (string file in files)
        {
            StringAssert.Contains(output, $"ok {file}");
        }
    }

    [TestMethod]
    public void OnnxChecker_RejectsAModelWhoseDeclaredShapeIsWrong()
    {
        using var dir = new TemporaryDirectory();
        var model = Builder.Onnx.Protos.ModelProto.Parser.ParseFrom(LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes());
        model.Graph.ValueInfo.Single(v => v.Name == "c1.conv").Type.TensorType.Shape.Dim[1].DimValue = 7;
        string file = dir.File("broken.onnx");
        File.WriteAllBytes(file, Google.Protobuf.MessageExtensions.ToByteArray(model));
        (int exitCode, string output, _) = PythonReference.Run("check_onnx.py", file);
        Assert.AreEqual(1, exitCode, output);
        StringAssert.Contains(output, "FAIL");
    }
}
