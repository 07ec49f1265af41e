using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class BatcherTests
{
    private static readonly ImageDataSet Ten = new(
        "ten",
        IdxTestFiles.RandomBytes(10 * 784, seed: 20261205),
        IdxTestFiles.RandomBytes(10, seed: 20261206, exclusiveMax: 10),
        28,
        28,
        10);

    [TestMethod]
    public void Batcher_TenExamplesInFours_TwoFullBatchesAndAPartialOne()
    {
        var batcher = new Batcher(Ten, batchSize: 4);
        int[] order = ShuffleOrder.ForEpoch(10, seed: 3, epoch: 0);
        float[] images = new float[4 * 784];
        long[] labels = new long[4];

        Assert.AreEqual(3, batcher.BatchCount(order.Length));
        int[] sizes = new int[3];
        for (int b = 0; b < 3; b++)
        {
            Array.Fill(images, float.NaN);
            Array.Fill(labels, -1L);
            sizes[b] = batcher.Fill(order, b, epoch: 0, images, labels);
            for (int k = 0; k < sizes[b]; k++)
            {
                int example = order[(b * 4) + k];
                Assert.AreEqual(Ten.Labels.Span[example], labels[k]);
                CollectionAssert.AreEqual(Ten.Image(example).ToArray().Select(p => p / 255f).ToArray(), images.AsSpan(k * 784, 784).ToArray(), $"batch {b}, slot {k}");
            }

            for (int k = sizes[b]; k < 4; k++)
            {
                Assert.AreEqual(-1L, labels[k], "slots past the batch are left alone");
                Assert.IsTrue(float.IsNaN(images[k * 784]));
            }
        }

        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, sizes);
    }

    [TestMethod]
    public void Batcher_AnEpoch_VisitsEveryExampleOnce()
    {
        var batcher = new Batcher(Ten, batchSize: 3);
        var buffer = new BatchBuffer(3, 784);
        int[] order = ShuffleOrder.ForEpoch(10, seed: 8, epoch: 2);
        var seen = new List<long>();
        for (int b = 0; b < batcher.BatchCount(order.Length); b++)
        {
            int size = batcher.Fill(order, b, epoch: 2, buffer);
            Assert.AreEqual(size, buffer.Count);
            Assert.AreEqual(size * 784, buffer.FilledImages.Length);
            seen.AddRange(buffer.FilledLabels.ToArray());
        }

        CollectionAssert.AreEqual(order.Select(i => (long)Ten.Labels.Span[i]).ToArray(), seen.ToArray());
        Assert.AreEqual(1, buffer.Count, "10 = 3 + 3 + 3 + 1");
    }

    [TestMethod]
    public void Batcher_PixelsAreDividedBy255Exactly()
    {
        byte[] ramp = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. new byte[784 - 256]];
        var data = new ImageDataSet("ramp", ramp, [0], 28, 28, 10);
        float[] images = new float[784];

        new Batcher(data, 1).Fill([0], 0, epoch: 0, images, new long[1]);

        for (int i = 0; i < 256; i++)
        {
            Assert.AreEqual(i / 255f, images[i]);
        }

        Assert.AreEqual(0f, images[0]);
        Assert.AreEqual(1f, images[255]);
    }

    [TestMethod]
    public void Batcher_WrongArguments_AreRefusedClearly()
    {
        var batcher = new Batcher(Ten, batchSize: 4);
        int[] order = ShuffleOrder.Identity(10);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.Fill(order, 3, 0, new float[4 * 784], new long[4]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.Fill(order, -1, 0, new float[4 * 784], new long[4]));
        Assert.ThrowsExactly<ArgumentException>(() => batcher.Fill(order, 0, 0, new float[(4 * 784) - 1], new long[4]));
        Assert.ThrowsExactly<ArgumentException>(() => batcher.Fill(order, 0, 0, new float[4 * 784], new long[3]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.Fill([0, 10], 0, 0, new float[4 * 784], new long[4]));
        Assert.ThrowsExactly<ArgumentException>(() => batcher.Fill(order, 0, 0, new BatchBuffer(4, 1024)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Batcher(Ten, 0));
        Assert.AreEqual(0, batcher.BatchCount(0));
    }

    [TestMethod]
    public void Batcher_PartialLastBatch_FitsAPartialBuffer()
    {
        // The last batch of 10 in fours needs room for 2 only.
        int size = new Batcher(Ten, 4).Fill(ShuffleOrder.Identity(10), 2, 0, new float[2 * 784], new long[2]);

        Assert.AreEqual(2, size);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(3)]
    public void FillSlice_WritesItsExamplesWhereFillPutsThemAndNothingElse(int maxShift)
    {
        var batcher = new Batcher(Ten, batchSize: 4, new Augmentation { MaxShift = maxShift, HorizontalFlip = maxShift > 0, Seed = 7 });
        int[] order = ShuffleOrder.ForEpoch(10, seed: 4, epoch: 1);
        float[] whole = new float[4 * 784];
        long[] wholeLabels = new long[4];
        batcher.Fill(order, 1, epoch: 1, whole, wholeLabels);

        // Slices [0, 1), [1, 3), [3, 4) written one by one, in another order, into a buffer of NaNs.
        float[] sliced = Enumerable.Repeat(float.NaN, 4 * 784).ToArray();
        long[] slicedLabels = [-1, -1, -1, -1];
        batcher.FillSlice(order, 1, 1, sliced, slicedLabels, first: 1, count: 2);
        Assert.IsTrue(float.IsNaN(sliced[0]) && float.IsNaN(sliced[(3 * 784) + 783]), "a slice touches only its own examples");
        Assert.AreEqual(-1L, slicedLabels[0]);
        batcher.FillSlice(order, 1, 1, sliced, slicedLabels, first: 3, count: 1);
        batcher.FillSlice(order, 1, 1, sliced, slicedLabels, first: 0, count: 1);

        CollectionAssert.AreEqual(whole, sliced);
        CollectionAssert.AreEqual(wholeLabels, slicedLabels);
    }

    [TestMethod]
    public void FillSlice_OutsideTheBatch_IsRefused()
    {
        var batcher = new Batcher(Ten, batchSize: 4);
        int[] order = ShuffleOrder.Identity(10);

        Assert.AreEqual(2, batcher.SizeOf(10, 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.FillSlice(order, 2, 0, new float[4 * 784], new long[4], first: 1, count: 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.FillSlice(order, 0, 0, new float[4 * 784], new long[4], first: -1, count: 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batcher.FillSlice(order, 3, 0, new float[4 * 784], new long[4], first: 0, count: 1));
        Assert.ThrowsExactly<ArgumentException>(() => batcher.FillSlice(order, 0, 0, new float[3 * 784], new long[4], first: 2, count: 2));
        Assert.ThrowsExactly<ArgumentException>(() => batcher.FillSlice(order, 0, 0, new BatchBuffer(4, 1024), first: 0, count: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PendingBatch(batcher).Select(order, 3, 0));
    }
}
