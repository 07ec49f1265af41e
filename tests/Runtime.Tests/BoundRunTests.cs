using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class BoundRunTests
{
    [TestMethod]
    public void Write_OfBytes_MakesEveryPixelExactlyItsValueOver255()
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(TestModels.Classic, options);
        using var run = new BoundRun(session, batch: 1);
        byte[] pixels = [.. Enumerable.Range(0, 784).Select(i => (byte)(i * 7))];
        run.Write(pixels);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.AreEqual(pixels[i] / 255f, run.Images[i], $"pixel {i} = {pixels[i]}");
        }
    }

    [TestMethod]
    public void Write_OfFloats_CopiesFewerImagesThanTheBatchToItsStart()
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(TestModels.Classic, options);
        using var run = new BoundRun(session, batch: 3);
        float[] images = TestModels.Images(2, seed: 3);
        run.Write(images);
        CollectionAssert.AreEqual(images, run.Images.AsSpan(0, images.Length).ToArray());
        Assert.IsTrue(run.Images.AsSpan(images.Length).IndexOfAnyExcept(0f) < 0, "the third image stays blank");
    }
}
