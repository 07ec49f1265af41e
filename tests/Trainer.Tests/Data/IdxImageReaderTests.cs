using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using static LeNetOnnx.Trainer.Tests.Data.IdxTestFiles;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class IdxImageReaderTests
{
    private const int Count = 30;
    private static readonly byte[] Pixels = RandomBytes(Count * 784, seed: 20261124);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void IdxImageReader_RangesReadInOrderReturnExactlyThoseImages(bool gzip)
    {
        using var dir = new TemporaryDirectory();
        byte[] raw = Images(Pixels, Count);
        string path = dir.File("images");
        File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);
        using IdxImageReader reader = IdxImageReader.Open(path, 28, 28);
        Assert.AreEqual(Count, reader.Count);
        CollectionAssert.AreEqual(Pixels[..(2 * 784)], reader.ReadImages(0, 2));
        CollectionAssert.AreEqual(Pixels[(7 * 784)..(10 * 784)], reader.ReadImages(7, 3));
        CollectionAssert.AreEqual(Pixels[(29 * 784)..], reader.ReadImages(29, 1));
    }

    [TestMethod]
    public void IdxImageReader_RangesOutOfOrderOrOutOfBoundsAreRefused()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File("images");
        File.WriteAllBytes(path, Images(Pixels, Count));
        using IdxImageReader reader = IdxImageReader.Open(path, 28, 28);
        reader.ReadImages(5, 5);
        Assert.ThrowsExactly<InvalidOperationException>(() => reader.ReadImages(3, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => reader.ReadImages(20, 11));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => reader.ReadImages(-1, 1));
    }

    [TestMethod]
    public void IdxImageReader_TruncatedDataLabelsFileAndWrongSizeAreNamed()
    {
        using var dir = new TemporaryDirectory();
        string truncated = dir.File("truncated");
        File.WriteAllBytes(truncated, Images(Pixels, Count)[..(16 + (10 * 784))]);
        using (IdxImageReader reader = IdxImageReader.Open(truncated, 28, 28))
        {
            StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => reader.ReadImages(8, 5)).Message, "truncated");
        }

        string labels = dir.File("labels");
        File.WriteAllBytes(labels, Labels(RandomBytes(5, 1, 10), 5));
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxImageReader.Open(labels, 28, 28)).Message, "is an IDX labels file; give the images file");

        string small = dir.File("small");
        File.WriteAllBytes(small, Images(RandomBytes(3 * 100, 2), 3, rows: 10, columns: 10));
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxImageReader.Open(small, 28, 28)).Message, "10x10");
    }

    [TestMethod]
    public void IdxImageReader_MayBeIdxRecognisesGzipAndIdxHeadersOnly()
    {
        Assert.IsTrue(IdxImageReader.MayBeIdx(Images(Pixels, Count)));
        Assert.IsTrue(IdxImageReader.MayBeIdx(Gzip(Images(Pixels, Count))));
        Assert.IsFalse(IdxImageReader.MayBeIdx([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
    }
}
