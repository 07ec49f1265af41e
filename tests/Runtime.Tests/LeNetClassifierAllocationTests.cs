namespace LeNetOnnx.Runtime.Tests;

/// <summary>
/// The hot path allocates nothing on the managed heap once a batch size has been seen: counted
/// with <see cref="GC.GetAllocatedBytesForCurrentThread"/> (exact, not timed) around many calls.
/// </summary>
[TestClass]
public sealed class LeNetClassifierAllocationTests
{
    private const int Calls = 200;

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(256)]
    public void Classify_FloatBatch_AllocatesNothingAfterTheFirstCall(int batch)
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] images = TestModels.Images(batch, seed: 31 + batch);
        float[] logits = new float[batch * LeNetClassifier.ClassCount];
        float[] probabilities = new float[batch * LeNetClassifier.ClassCount];

        long allocated = AllocatedBy(() => classifier.Classify(images, logits, probabilities));

        Assert.AreEqual(0L, allocated, $"bytes allocated by {Calls} calls at batch {batch}");
    }

    [TestMethod]
    public void Classify_InParallelSlices_AllocatesNothingAfterTheFirstCall()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { BatchSlices = 2 });
        float[] images = TestModels.Images(256, seed: 35);
        float[] logits = new float[256 * LeNetClassifier.ClassCount];
        float[] probabilities = new float[256 * LeNetClassifier.ClassCount];

        long allocated = AllocatedBy(() => classifier.Classify(images, logits, probabilities));

        Assert.AreEqual(0L, allocated, $"bytes allocated by {Calls} calls at batch 256 in 2 slices");
    }

    [TestMethod]
    public void ClassifyAndPredict_RawPixels_AllocateNothingAfterTheFirstCall()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        byte[] pixels = TestModels.Pixels(3, seed: 77);
        float[] logits = new float[3 * LeNetClassifier.ClassCount];
        float[] probabilities = new float[3 * LeNetClassifier.ClassCount];
        int label = -1;

        long allocated = AllocatedBy(() =>
        {
            classifier.Classify(pixels, logits, probabilities);
            label = classifier.Predict(pixels.AsSpan(0, LeNetClassifier.PixelsPerImage));
        });

        Assert.AreEqual(0L, allocated);
        Assert.IsInRange(0, 9, label);
    }

    [TestMethod]
    public void Classify_ReturningAPrediction_AllocatesOnlyTheResult()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] image = TestModels.Images(1, seed: 78);
        Prediction? prediction = null;

        long allocated = AllocatedBy(() => prediction = classifier.Classify(image.AsSpan()));

        // The Prediction object and its array of 10 probabilities, nothing else.
        long perCall = allocated / Calls;
        Assert.IsNotNull(prediction);
        Assert.IsLessThanOrEqualTo(160L, perCall, $"{perCall} bytes per call");
    }

    private static long AllocatedBy(Action call)
    {
        // The first call of a batch size makes its bound run. Then enough calls for the JIT to
        // finish with this path: on-stack replacement of the loops and the tier-1 recompilation
        // (after a pause, in the background) can run static constructors on this thread, which
        // count as its allocations (7.5 KB once in CI) without being the classifier's.
        for (int i = 0; i < 100; i++)
        {
            call();
        }

        Thread.Sleep(300);
        for (int i = 0; i < 100; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
