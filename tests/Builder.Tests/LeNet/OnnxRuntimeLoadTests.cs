using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Builder.Tests.LeNet;

[TestClass]
public sealed class OnnxRuntimeLoadTests
{
    public static IEnumerable<object[]> VariantsAndOpsets =>
        from variant in LeNetVariants.Names
        from opset in Enumerable.Range(Opset.Min, Opset.Max - Opset.Min + 1)
        select new object[] { variant, opset };

    [TestMethod]
    [DynamicData(nameof(VariantsAndOpsets))]
    public void OnnxRuntime_LoadsAndRunsEveryVariantAtEveryOpset(string variant, int opset)
    {
        byte[] model = LeNet5.Build(LeNetVariants.Get(variant), seed: 5, opset: opset).ToOnnxBytes();
        foreach (int batch in new[] { 1, 7, 256 })
        {
            (float[] logits, float[] probabilities, long[] shape) = OrtRunner.Run(model, OrtRunner.RandomImages(batch, seed: batch), batch);
            CollectionAssert.AreEqual(new long[] { batch, 10 }, shape);
            Assert.HasCount(batch * 10, probabilities);
            Assert.IsTrue(logits.All(float.IsFinite), "logits must be finite");
            for (int n = 0; n < batch; n++)
            {
                float sum = probabilities.AsSpan(n * 10, 10).ToArray().Sum();
                Assert.AreEqual(1f, sum, 1e-5f, $"probabilities of image {n} must sum to 1");
            }
        }
    }

    [TestMethod]
    public void OnnxRuntime_BatchRowsDoNotDependOnTheirNeighbours()
    {
        byte[] model = LeNet5.Build(LeNetVariants.Original).ToOnnxBytes();
        float[] images = OrtRunner.RandomImages(7, seed: 42);
        float[] batched = OrtRunner.Run(model, images, 7).Logits;
        for (int n = 0; n < 7; n++)
        {
            float[] single = OrtRunner.Run(model, images.AsSpan(n * 784, 784).ToArray(), 1).Logits;
            for (int k = 0; k < 10; k++)
            {
                Assert.AreEqual(single[k], batched[(n * 10) + k], 1e-5f);
            }
        }
    }
}
