using LeNetOnnx.Builder;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class IdxDirectoryTests
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    [TestMethod]
    public void IdxDirectory_ReadsTheClassNamesInLabelOrder()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("labels.txt"), "\uFEFFzero\r\n one \ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine");
        CollectionAssert.AreEqual(
            new[] { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" },
            IdxDirectory.ReadClassNames(dir.File("labels.txt")).ToArray(),
            "a BOM, CRLF, surrounding spaces and a missing final line break are all fine");
    }

    [TestMethod]
    [DataRow("0\n1\n2\n", "names 3 classes")]
    [DataRow("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "names 11 classes")]
    [DataRow("0\n1\n2\n3\n\n5\n6\n7\n8\n9\n", "line 5 is empty")]
    [DataRow("0\n1\n2\n3\n4\n5\n6\n7\n8\n1\n", "line 10 repeats the class name '1' of line 2")]
    [DataRow("0\n1\n2\n3\n4\n5\n6\n7\n8\nnine\u0007\n", "line 10 is not a class name")]
    public void IdxDirectory_RefusesAWrongClassNamesFile(string text, string expected)
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("labels.txt"), text);
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxDirectory.ReadClassNames(dir.File("labels.txt"))).Message, expected);
    }

    [TestMethod]
    public void IdxDirectory_RefusesAMissingOrBinaryOrHugeFile()
    {
        using var dir = new TemporaryDirectory();
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxDirectory.ReadClassNames(dir.File("labels.txt"))).Message, "missing");
        File.WriteAllBytes(dir.File("labels.txt"), [0x30, 0x0A, 0xC3, 0x28]);
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxDirectory.ReadClassNames(dir.File("labels.txt"))).Message, "not UTF-8");
        File.WriteAllBytes(dir.File("labels.txt"), new byte[IdxDirectory.MaxLabelsFileBytes + 1]);
        StringAssert.Contains(Assert.ThrowsExactly<DataSetException>(() => IdxDirectory.ReadClassNames(dir.File("labels.txt"))).Message, "too large");
    }

    [TestMethod]
    public async Task DataSetCatalog_LoadsAnIdxDirectoryWithItsOwnClassNames()
    {
        using var dir = new TemporaryDirectory();
        GeneratedDataSet generated = IdxTestFiles.Generate(trainCount: 30, testCount: 12);
        IdxTestFiles.WriteAll(generated.Archives, dir.Path);
        File.WriteAllText(dir.File("labels.txt"), string.Join('\n', Digits.Select(d => "digit " + d)));

        DataSetSplits splits = await DataSetCatalog.LoadAsync("idx", new DataDirectorySearch { DataOption = dir.Path, CurrentDirectory = "/" }, downloader: null);

        Assert.AreEqual(30, splits.Train.Count);
        Assert.AreEqual(12, splits.Test.Count);
        Assert.AreEqual("digit 7", splits.Description.ClassNames[7]);
        Assert.IsEmpty(splits.Description.Mirrors, "nothing of one's own is downloaded");
        StringAssert.Contains(splits.Description.Name, Path.GetFileName(dir.Path));
    }

    [TestMethod]
    public async Task DataSetCatalog_IdxNeedsADataDirectory()
    {
        DataSetException e = await Assert.ThrowsExactlyAsync<DataSetException>(() => DataSetCatalog.LoadAsync("idx", new DataDirectorySearch { CurrentDirectory = "/" }, downloader: null));
        StringAssert.Contains(e.Message, "--data DIR");
        await Assert.ThrowsExactlyAsync<InvalidOptionException>(() => DataSetCatalog.LoadAsync("cifar", new DataDirectorySearch { CurrentDirectory = "/" }, downloader: null));
    }

    [TestMethod]
    public void DataSets_OwnTheirClassNames()
    {
        Assert.AreEqual("Ankle boot", FashionMnist.Description.ClassNames[9]);
        CollectionAssert.AreEqual(Digits, Mnist.Description.ClassNames.ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => FashionMnist.Description with { ClassNames = ["a", "a"] });
        Assert.ThrowsExactly<ArgumentException>(() => FashionMnist.Description with { ClassNames = [] });
        Assert.ThrowsExactly<ArgumentException>(() => FashionMnist.Description with { ClassNames = ["a", " "] });
    }
}
