using System.Runtime.InteropServices;
using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// ONNX Runtime's logits against the independent PyTorch reference (<c>tools/torch_reference.py</c>),
/// which rebuilds each variant from the design notes and only reads the weights from the model.
/// </summary>
[TestClass]
public sealed class TorchForwardParityTests
{
    private const int Batch = 256;
    private const float Tolerance = 1e-5f;

    [TestMethod]
    public void TorchReference_AgreesWithOnnxRuntimeForEveryVariant()
    {
        using var dir = new TemporaryDirectory();
        var jobs = new List<object>();
        var expected = new Dictionary<string, float[]>();
        foreach (string variant in LeNetVariants.Names)
        {
            byte[] model = LeNet5.Build(LeNetVariants.Get(variant), seed: 17).ToOnnxBytes();
            float[] images = OrtRunner.RandomImages(Batch, seed: variant.Length);
            File.WriteAllBytes(dir.File($"{variant}.onnx"), model);
            File.WriteAllBytes(dir.File($"{variant}.images.bin"), MemoryMarshal.AsBytes(images.AsSpan()).ToArray());
            expected[variant] = OrtRunner.Run(model, images, Batch).Logits;
            jobs.Add(new { model = $"{variant}.onnx", input = $"{variant}.images.bin", batch = Batch, output = $"{variant}.torch.bin" });
        }

        string manifest = dir.File("manifest.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new { jobs }));
        (int exitCode, string output, string error) = PythonReference.Run("torch_reference.py", "forward", manifest);
        Assert.AreEqual(0, exitCode, output + error);

        var report = new List<string>();
        foreach ((string variant, float[] ort) in expected)
        {
            float[] torch = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(dir.File($"{variant}.torch.bin"))).ToArray();
            Assert.HasCount(ort.Length, torch, variant);
            float maxAbs = 0;
            int argmaxMismatches = 0;
            for (int n = 0; n < Batch; n++)
            {
                ReadOnlySpan<float> a = ort.AsSpan(n * 10, 10);
                ReadOnlySpan<float> b = torch.AsSpan(n * 10, 10);
                for (int k = 0; k < 10; k++)
                {
                    maxAbs = MathF.Max(maxAbs, MathF.Abs(a[k] - b[k]));
                }

                argmaxMismatches += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(a) == System.Numerics.Tensors.TensorPrimitives.IndexOfMax(b) ? 0 : 1;
            }

            report.Add($"{variant}: max abs {maxAbs:E2}, argmax mismatches {argmaxMismatches}");
            Assert.IsLessThanOrEqualTo(Tolerance, maxAbs, variant);
            Assert.AreEqual(0, argmaxMismatches, variant);
        }

        Console.WriteLine(string.Join(Environment.NewLine, report));
    }
}
