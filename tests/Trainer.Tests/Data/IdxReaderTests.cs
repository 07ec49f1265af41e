using LeNetOnnx.Trainer.Data;
using static LeNetOnnx.Trainer.Tests.Data.IdxTestFiles;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    private static readonly byte[] Pixels = RandomBytes(5 * 784, seed: 20261201);
    private static readonly byte[] LabelValues = RandomBytes(5, seed: 20261202, exclusiveMax: 10);

    [TestMethod]
    public void IdxReader_ValidGzip_ReadsPixelsAndIdentifiesTheFile()
    {
        using var dir = new TemporaryDirectory();
        byte[] raw = Images(Pixels, 5);
        byte[] archive = Gzip(raw);
        File.WriteAllBytes(dir.File("images.gz"), archive);

        IdxContents read = IdxReader.ReadImages(dir.File("images.gz"), 28, 28);

        Assert.AreEqual(5, read.Count);
        CollectionAssert.AreEqual(Pixels, read.Data);
        Assert.IsTrue(read.Source.Compressed);
        Assert.AreEqual(Sha256(archive), read.Source.Sha256);
        Assert.AreEqual(Sha256(raw), read.Source.ContentSha256);
        Assert.AreEqual(dir.File("images.gz"), read.Source.Path);
    }

    [TestMethod]
    public void IdxReader_ValidRaw_ReadsTheSameContentAsGzip()
    {
        using var dir = new TemporaryDirectory();
        byte[] raw = Labels(LabelValues, 5);
        File.WriteAllBytes(dir.File("labels"), raw);
        File.WriteAllBytes(dir.File("labels.gz"), Gzip(raw));

        IdxContents plain = IdxReader.ReadLabels(dir.File("labels"), 10);
        IdxContents compressed = IdxReader.ReadLabels(dir.File("labels.gz"), 10);

        CollectionAssert.AreEqual(LabelValues, plain.Data);
        CollectionAssert.AreEqual(LabelValues, compressed.Data);
        Assert.IsFalse(plain.Source.Compressed);
        Assert.AreEqual(Sha256(raw), plain.Source.Sha256);
        Assert.AreEqual(plain.Source.ContentSha256, compressed.Source.ContentSha256);
        Assert.AreNotEqual(plain.Source.Sha256, compressed.Source.Sha256);
    }

    [TestMethod]
    public void IdxReader_GzipIsToldByMagicNotByName()
    {
        using var dir = new TemporaryDirectory();
        byte[] raw = Images(Pixels, 5);
        File.WriteAllBytes(dir.File("really-raw.gz"), raw);
        File.WriteAllBytes(dir.File("really-gzip"), Gzip(raw));

        IdxContents misnamedRaw = IdxReader.ReadImages(dir.File("really-raw.gz"), 28, 28);
        IdxContents misnamedGzip = IdxReader.ReadImages(dir.File("really-gzip"), 28, 28);

        Assert.IsFalse(misnamedRaw.Source.Compressed);
        Assert.IsTrue(misnamedGzip.Source.Compressed);
        CollectionAssert.AreEqual(Pixels, misnamedRaw.Data);
        CollectionAssert.AreEqual(Pixels, misnamedGzip.Data);
    }

    [TestMethod]
    public void IdxReader_LabelsWhereImagesBelong_NamesFileAndBothMagics()
    {
        string message = ReadImagesFails("train-images-idx3-ubyte.gz", Gzip(Labels(LabelValues, 5)));
        Assert.AreEqual("train-images-idx3-ubyte.gz: expected magic 2051 (images), found 2049 (labels).", message);
    }

    [TestMethod]
    public void IdxReader_ImagesWhereLabelsBelong_NamesFileAndBothMagics()
    {
        string message = ReadLabelsFails("t10k-labels-idx1-ubyte.gz", Gzip(Images(Pixels, 5)));
        Assert.AreEqual("t10k-labels-idx1-ubyte.gz: expected magic 2049 (labels), found 2051 (images).", message);
    }

    [TestMethod]
    public void IdxReader_NotAnIdxFile_SaysSo()
    {
        string message = ReadLabelsFails("notes.txt", "hello, this is text"u8.ToArray());
        Assert.Contains("notes.txt: expected magic 2049 (labels), found", message);
        Assert.Contains("not an IDX file", message);
    }

    [TestMethod]
    public void IdxReader_WrongDimensions_NamesExpectedAndFound()
    {
        string message = ReadImagesFails("big.gz", Gzip(Images(new byte[2 * 32 * 32], 2, 32, 32)));
        Assert.AreEqual("big.gz: expected 28x28 images, found 32x32.", message);
    }

    [TestMethod]
    public void IdxReader_TruncatedData_SaysHowMuchIsMissing()
    {
        byte[] raw = Images(Pixels, 5);
        string message = ReadImagesFails("cut", raw[..^100]);
        Assert.Contains("cut: truncated: the header announces 5 images (3,920 bytes of data) but only 3,820 bytes follow it.", message);
    }

    [TestMethod]
    public void IdxReader_TruncatedGzip_IsRefused()
    {
        byte[] archive = Gzip(Images(Pixels, 5));
        string message = ReadImagesFails("cut.gz", archive[..(archive.Length / 2)]);
        Assert.StartsWith("cut.gz: ", message);
    }

    [TestMethod]
    public void IdxReader_TruncatedHeader_IsRefused()
    {
        Assert.AreEqual("short: truncated IDX header: 10 of 16 bytes.", ReadImagesFails("short", Images(Pixels, 5)[..10]));
        Assert.AreEqual("tiny: 2 bytes, too short for an IDX header (8 bytes expected).", ReadLabelsFails("tiny", [0, 0]));
        Assert.AreEqual("empty: 0 bytes, too short for an IDX header (8 bytes expected).", ReadLabelsFails("empty", []));
    }

    [TestMethod]
    public void IdxReader_TrailingBytesInTheIdxData_AreRefused()
    {
        byte[] raw = [.. Labels(LabelValues, 5), 7];
        Assert.AreEqual(
            "extra: trailing bytes after the 5 labels the header announces; the file is corrupt or not this data set's.",
            ReadLabelsFails("extra", raw));
        StringAssert.Contains(ReadLabelsFails("extra.gz", Gzip(raw)), "trailing bytes after the 5 labels");
    }

    [TestMethod]
    public void IdxReader_BytesAfterTheGzipStream_AreRefused()
    {
        byte[] archive = [.. Gzip(Labels(LabelValues, 5)), 1, 2, 3, 4, 5];
        string message = ReadLabelsFails("appended.gz", archive);
        Assert.Contains("appended.gz: the gzip trailer records", message);
        Assert.Contains("bytes follow the gzip stream", message);
    }

    [TestMethod]
    public void IdxReader_LabelOutOfRange_NamesValueAndIndex()
    {
        byte[] labels = [1, 2, 3, 10, 4];
        Assert.AreEqual("bad.gz: label 10 at index 3 is outside 0..9.", ReadLabelsFails("bad.gz", Gzip(Labels(labels, 5))));
    }

    [TestMethod]
    public void IdxReader_AbsurdCount_IsRefusedBeforeAllocating()
    {
        byte[] forged = Gzip([.. Header(2051, int.MaxValue, 28, 28), .. Pixels]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ReadImagesFails("forged.gz", forged);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual("forged.gz: the header announces 2,147,483,647 images; at most 1,000,000 are accepted, so the header is corrupt.", message);
        Assert.IsLessThan(4L << 20, allocated);
        StringAssert.Contains(ReadLabelsFails("negative", Header(2049, -1)), "announces -1 labels");
    }

    [TestMethod]
    public void IdxReader_LargeButAcceptedCountWithLittleData_AllocatesOnlyWhatArrives()
    {
        // 900,000 images would be 705 MB; the file holds 5. The buffer grows with the data, not the header.
        byte[] forged = Gzip([.. Header(2051, 900_000, 28, 28), .. Pixels]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = ReadImagesFails("forged.gz", forged);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("truncated: the header announces 900,000 images", message);
        Assert.IsLessThan(8L << 20, allocated);
    }

    [TestMethod]
    public void IdxReader_MissingFile_SaysWhere()
    {
        using var dir = new TemporaryDirectory();
        DataSetException e = Assert.ThrowsExactly<DataSetException>(() => IdxReader.ReadLabels(dir.File("absent.gz"), 10));
        Assert.AreEqual($"absent.gz: not found at '{dir.File("absent.gz")}'.", e.Message);
        e = Assert.ThrowsExactly<DataSetException>(() => IdxReader.ReadLabels(dir.File("no-such-dir/absent.gz"), 10));
        Assert.AreEqual($"absent.gz: not found at '{dir.File("no-such-dir/absent.gz")}'.", e.Message);
    }

    [TestMethod]
    public void ImageDataSet_CountMismatch_NamesBothFiles()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte.gz"), Gzip(Images(Pixels, 5)));
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte.gz"), Gzip(Labels(LabelValues[..4], 4)));

        DataSetException e = Assert.ThrowsExactly<DataSetException>(
            () => ImageDataSet.Load("x", dir.File("train-images-idx3-ubyte.gz"), dir.File("train-labels-idx1-ubyte.gz")));

        Assert.StartsWith("train-images-idx3-ubyte.gz holds 5 images but train-labels-idx1-ubyte.gz holds 4 labels", e.Message);
    }

    [TestMethod]
    public void ImageDataSet_Load_ExposesImagesLabelsAndSources()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("i"), Images(Pixels, 5));
        File.WriteAllBytes(dir.File("l.gz"), Gzip(Labels(LabelValues, 5)));

        ImageDataSet data = ImageDataSet.Load("small", dir.File("i"), dir.File("l.gz"));

        Assert.AreEqual(5, data.Count);
        Assert.AreEqual(784, data.PixelsPerImage);
        CollectionAssert.AreEqual(Pixels.AsSpan(784 * 3, 784).ToArray(), data.Image(3).ToArray());
        CollectionAssert.AreEqual(LabelValues, data.Labels.ToArray());
        Assert.IsFalse(data.ImagesSource!.Compressed);
        Assert.IsTrue(data.LabelsSource!.Compressed);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.Image(5));
    }

    [TestMethod]
    public void ImageDataSet_Constructor_ChecksLengthsAndLabels()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new ImageDataSet("x", new byte[783], new byte[1], 28, 28, 10));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageDataSet("x", new byte[4], [0, 3], 1, 2, 3));
        Assert.AreEqual(2, new ImageDataSet("x", new byte[4], [0, 2], 1, 2, 3).Count);
    }

    private static string ReadImagesFails(string name, byte[] contents) => Fails(name, contents, path => IdxReader.ReadImages(path, 28, 28));

    private static string ReadLabelsFails(string name, byte[] contents) => Fails(name, contents, path => IdxReader.ReadLabels(path, 10));

    private static string Fails(string name, byte[] contents, Func<string, IdxContents> read)
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File(name), contents);
        return Assert.ThrowsExactly<DataSetException>(() => read(dir.File(name))).Message;
    }
}
