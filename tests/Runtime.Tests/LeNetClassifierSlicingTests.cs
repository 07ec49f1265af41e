using System.Collections.Concurrent;

namespace LeNetOnnx.Runtime.Tests;

/// <summary>Batches split into parallel slices (<see cref="LeNetClassifierOptions.BatchSlices"/>) give the whole batch's answers.</summary>
[TestClass]
public sealed class LeNetClassifierSlicingTests
{
    [TestMethod]
    [DataRow(2, 32)]
    [DataRow(2, 33)]
    [DataRow(3, 100)]
    [DataRow(4, 256)]
    [DataRow(64, 256)]
    [DataRow(2, 1000)]
    public void Classify_InSlices_GivesTheWholeBatchsAnswersBitForBit(int slices, int batch)
    {
        using LeNetClassifier whole = LeNetClassifier.FromBytes(TestModels.Classic);
        using LeNetClassifier sliced = LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { BatchSlices = slices });
        byte[] pixels = TestModels.Pixels(batch, seed: 400 + batch);
        (float[] expectedLogits, float[] expectedProbabilities) = ClassifyBytes(whole, pixels, batch);

        (float[] logits, float[] probabilities) = ClassifyBytes(sliced, pixels, batch);

        // Every image goes through the same kernels whatever its slice: per-image results do not depend on the batch.
        CollectionAssert.AreEqual(expectedLogits, logits);
        CollectionAssert.AreEqual(expectedProbabilities, probabilities);
        float[] floats = pixels.Select(p => p / 255f).ToArray();
        float[] floatLogits = new float[batch * LeNetClassifier.ClassCount];
        sliced.Classify(floats, floatLogits, new float[batch * LeNetClassifier.ClassCount]);
        CollectionAssert.AreEqual(expectedLogits, floatLogits);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void Classify_InSlicesFromManyThreads_GivesTheSerialAnswers()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { BatchSlices = 3 });
        int[] sizes = [256, 64, 33, 31, 1];
        var cases = sizes.Select(size => (Size: size, Pixels: TestModels.Pixels(size, seed: 900 + size))).ToArray();
        var expected = cases.Select(c => ClassifyBytes(classifier, c.Pixels, c.Size).Logits).ToArray();
        var failures = new ConcurrentQueue<string>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var random = new Random(thread);
            for (int call = 0; call < 150; call++)
            {
                int k = random.Next(cases.Length);
                float[] logits = ClassifyBytes(classifier, cases[k].Pixels, cases[k].Size).Logits;
                if (!logits.AsSpan().SequenceEqual(expected[k]))
                {
                    failures.Enqueue($"thread {thread}, call {call}, batch {cases[k].Size}");
                }
            }
        });

        Assert.IsEmpty(failures, string.Join("; ", failures.Take(5)));
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    [DataRow(0)]
    [DataRow(1_000)]
    public void Classify_InSlicesAfterThreadsBlockedOrSpinning_GivesTheWholeBatchsAnswers(int spinMilliseconds)
    {
        // 0: every helper and the caller block between calls (woken through the monitor);
        // 1 s: they spin through the pauses between calls instead. Both must hand every slice over.
        using LeNetClassifier whole = LeNetClassifier.FromBytes(TestModels.Classic);
        var options = new LeNetClassifierOptions { BatchSlices = 3, SliceSpinTime = TimeSpan.FromMilliseconds(spinMilliseconds) };
        byte[] pixels = TestModels.Pixels(200, seed: 77);
        float[] expected = ClassifyBytes(whole, pixels, 200).Logits;
        using LeNetClassifier sliced = LeNetClassifier.FromBytes(TestModels.Classic, options);
        for (int call = 0; call < 6; call++)
        {
            CollectionAssert.AreEqual(expected, ClassifyBytes(sliced, pixels, 200).Logits, $"call {call}");
            Thread.Sleep(call * 4);
        }

        // Dispose stops the helper threads whether they spin or sleep; the timeout catches a hang.
        // (The using disposes again on the way out: a second Dispose does nothing.)
        sliced.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => ClassifyBytes(sliced, pixels, 200));
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(1_001)]
    public void SliceSpinTime_OutOfRange_IsRefusedByName(int milliseconds)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() =>
            LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { BatchSlices = 2, SliceSpinTime = TimeSpan.FromMilliseconds(milliseconds) }));
        Assert.Contains("SliceSpinTime is", e.Message);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(65)]
    public void BatchSlices_OutOfRange_IsRefusedByName(int slices)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() =>
            LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { BatchSlices = slices }));
        Assert.Contains($"BatchSlices is {slices}", e.Message);
    }

    private static (float[] Logits, float[] Probabilities) ClassifyBytes(LeNetClassifier classifier, byte[] pixels, int batch)
    {
        float[] logits = new float[batch * LeNetClassifier.ClassCount];
        float[] probabilities = new float[batch * LeNetClassifier.ClassCount];
        classifier.Classify(pixels, logits, probabilities);
        return (logits, probabilities);
    }
}
