using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class AugmentationTests
{
    private static readonly ImageDataSet Data = new(
        "twenty",
        IdxTestFiles.RandomBytes(20 * 784, seed: 20261207),
        IdxTestFiles.RandomBytes(20, seed: 20261208, exclusiveMax: 10),
        28,
        28,
        10);

    private static readonly Augmentation ShiftAndFlip = new() { MaxShift = 2, HorizontalFlip = true, Seed = 7 };

    [TestMethod]
    public void Augmentation_Default_IsOffAndChangesNothing()
    {
        Assert.IsFalse(default(Augmentation).IsEnabled);
        Assert.AreEqual(Augmentation.None, new Batcher(Data, 4).Augmentation);
        int[] order = ShuffleOrder.Identity(20);

        float[] plain = Fill(new Batcher(Data, 20), order, epoch: 0);
        float[] zeroAugmentation = Fill(new Batcher(Data, 20, new Augmentation { Seed = 99 }), order, epoch: 0);

        CollectionAssert.AreEqual(Data.Images.ToArray().Select(p => p / 255f).ToArray(), plain);
        CollectionAssert.AreEqual(plain, zeroAugmentation);
    }

    [TestMethod]
    public void Augmentation_SameSeed_SameImages()
    {
        int[] order = ShuffleOrder.ForEpoch(20, seed: 1, epoch: 0);

        CollectionAssert.AreEqual(Fill(new Batcher(Data, 20, ShiftAndFlip), order, 0), Fill(new Batcher(Data, 20, ShiftAndFlip), order, 0));
    }

    [TestMethod]
    public void Augmentation_DifferentSeedOrEpoch_DifferentImages()
    {
        int[] order = ShuffleOrder.Identity(20);
        float[] baseline = Fill(new Batcher(Data, 20, ShiftAndFlip), order, 0);

        CollectionAssert.AreNotEqual(baseline, Fill(new Batcher(Data, 20, ShiftAndFlip with { Seed = 8 }), order, 0));
        CollectionAssert.AreNotEqual(baseline, Fill(new Batcher(Data, 20, ShiftAndFlip), order, 1));
        CollectionAssert.AreNotEqual(baseline, Fill(new Batcher(Data, 20), order, 0));
    }

    [TestMethod]
    public void Augmentation_DependsOnTheExampleNotOnBatchSizeOrPosition()
    {
        int[] identity = ShuffleOrder.Identity(20);
        int[] shuffled = ShuffleOrder.ForEpoch(20, seed: 2, epoch: 0);
        float[] inOnes = Fill(new Batcher(Data, 1, ShiftAndFlip), identity, 3);
        float[] shuffledInSevens = Fill(new Batcher(Data, 7, ShiftAndFlip), shuffled, 3);

        for (int k = 0; k < 20; k++)
        {
            int example = shuffled[k];
            CollectionAssert.AreEqual(inOnes.AsSpan(example * 784, 784).ToArray(), shuffledInSevens.AsSpan(k * 784, 784).ToArray(), $"example {example}");
        }
    }

    [TestMethod]
    public void Augmentation_Draw_MatchesItsSpecification()
    {
        // From a separate Python implementation of the documented draw: seed 7, MaxShift 2, flip on, epoch 3.
        (int, int, bool)[] expected = [(2, 1, false), (0, 2, true), (-2, -2, true), (-2, 2, true), (1, 2, true), (-2, 2, false)];

        CollectionAssert.AreEqual(expected, Enumerable.Range(0, 6).Select(i => ShiftAndFlip.Draw(epoch: 3, index: i)).ToArray());
    }

    [TestMethod]
    public void Augmentation_Draws_CoverTheRangeAndFlipAboutHalf()
    {
        var shifts = new HashSet<int>();
        int flips = 0;
        for (int i = 0; i < 2_000; i++)
        {
            (int dx, int dy, bool flip) = ShiftAndFlip.Draw(epoch: 0, index: i);
            shifts.Add(dx);
            shifts.Add(dy);
            flips += flip ? 1 : 0;
        }

        CollectionAssert.AreEquivalent(new[] { -2, -1, 0, 1, 2 }, shifts.ToArray());
        Assert.IsGreaterThan(900, flips);
        Assert.IsLessThan(1_100, flips);
        Assert.IsFalse(Enumerable.Range(0, 200).Any(i => (ShiftAndFlip with { HorizontalFlip = false }).Draw(0, i).Flip));
    }

    [TestMethod]
    public void Augmentation_MovesPixelsByTheDrawAndFillsWithZero()
    {
        // One white pixel at (row 5, column 3) in every image; find it after augmentation.
        byte[] pixels = new byte[20 * 784];
        for (int n = 0; n < 20; n++)
        {
            pixels[(n * 784) + (5 * 28) + 3] = 255;
        }

        var dots = new ImageDataSet("dots", pixels, new byte[20], 28, 28, 10);
        float[] images = Fill(new Batcher(dots, 20, ShiftAndFlip), ShuffleOrder.Identity(20), 4);

        for (int n = 0; n < 20; n++)
        {
            (int dx, int dy, bool flip) = ShiftAndFlip.Draw(4, n);
            int x = (flip ? 27 - 3 : 3) + dx;
            int y = 5 + dy;
            float[] expected = new float[784];
            expected[(y * 28) + x] = 1f;
            CollectionAssert.AreEqual(expected, images.AsSpan(n * 784, 784).ToArray(), $"image {n}: dx {dx}, dy {dy}, flip {flip}");
        }
    }

    [TestMethod]
    public void Augmentation_ShiftOutOfTheImage_LeavesBackground()
    {
        // An all-white image shifted by (dx, dy) keeps |dx| columns and |dy| rows of zeros.
        byte[] white = Enumerable.Repeat((byte)255, 20 * 784).ToArray();
        var data = new ImageDataSet("white", white, new byte[20], 28, 28, 10);
        float[] images = Fill(new Batcher(data, 20, ShiftAndFlip), ShuffleOrder.Identity(20), 0);

        for (int n = 0; n < 20; n++)
        {
            (int dx, int dy, _) = ShiftAndFlip.Draw(0, n);
            int zeros = images.AsSpan(n * 784, 784).Count(0f);
            Assert.AreEqual(784 - ((28 - Math.Abs(dx)) * (28 - Math.Abs(dy))), zeros, $"image {n}: dx {dx}, dy {dy}");
        }
    }

    [TestMethod]
    public void Augmentation_ShiftOutsideZeroToEight_IsRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Augmentation { MaxShift = -1 });
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Augmentation { MaxShift = 9 });
    }

    private static float[] Fill(Batcher batcher, int[] order, int epoch)
    {
        float[] all = new float[order.Length * 784];
        long[] labels = new long[batcher.BatchSize];
        for (int b = 0; b < batcher.BatchCount(order.Length); b++)
        {
            batcher.Fill(order, b, epoch, all.AsSpan(b * batcher.BatchSize * 784), labels);
        }

        return all;
    }
}
