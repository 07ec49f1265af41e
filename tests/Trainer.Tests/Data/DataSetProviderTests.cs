using System.Globalization;
using LeNetOnnx.Trainer.Data;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class DataSetProviderTests
{
    private static readonly GeneratedDataSet Generated = IdxTestFiles.Generate(trainCount: 30, testCount: 12, seed: 20261204);

    [TestMethod]
    public async Task DataSetProvider_FilesOnDisk_LoadsWithoutTheNetwork()
    {
        await using var server = new LocalHttpServer();
        using var dir = new TemporaryDirectory();
        string data = dir.Subdirectory("data");
        IdxTestFiles.WriteAll(Generated.Archives, data);
        using HttpClient http = DataSetDownloaderTests.NewClient();
        var progress = new RecordingProgress();

        DataSetSplits splits = await new DataSetProvider(new DataSetDownloader(http))
            .LoadAsync(Generated.Description with { Mirrors = [server.Mirror("m")] }, new DataDirectorySearch { CurrentDirectory = dir.Path }, progress);

        Assert.IsEmpty(server.Requests);
        Assert.AreEqual(data, splits.Directory);
        Assert.AreEqual("Generated train", splits.Train.Name);
        Assert.AreEqual(30, splits.Train.Count);
        Assert.AreEqual(12, splits.Test.Count);
        CollectionAssert.AreEqual(Generated.TrainPixels, splits.Train.Images.ToArray());
        CollectionAssert.AreEqual(Generated.TestLabels, splits.Test.Labels.ToArray());
        Assert.AreEqual(Generated.Description.TestImages.ContentSha256, splits.Test.ImagesSource!.ContentSha256);
        Assert.AreEqual(IdxTestFiles.Sha256(Generated.Archives["t10k-images-idx3-ubyte.gz"]), splits.Test.ImagesSource.Sha256);
        Assert.AreEqual($"using {data} (./data)", Assert.ContainsSingle(progress.Reports).ToString());
    }

    [TestMethod]
    public async Task DataSetProvider_NowhereOnDisk_DownloadsIntoTheDataOptionAndLoads()
    {
        await using var server = new LocalHttpServer();
        server.ServeAll("m", Generated.Archives);
        using var dir = new TemporaryDirectory();
        using HttpClient http = DataSetDownloaderTests.NewClient();
        var progress = new RecordingProgress();
        var search = new DataDirectorySearch { DataOption = "chosen", EnvironmentValue = dir.File("env"), CurrentDirectory = dir.Path };

        DataSetSplits splits = await new DataSetProvider(new DataSetDownloader(http))
            .LoadAsync(Generated.Description with { Mirrors = [server.Mirror("m")] }, search, progress);

        Assert.AreEqual(dir.File("chosen"), splits.Directory);
        Assert.AreEqual(30, splits.Train.Count);
        CollectionAssert.AreEqual(
            Generated.Archives.Keys.Select(name => Path.Combine("chosen", name)).Order(StringComparer.Ordinal).ToArray(),
            dir.Files());
        string[] lines = [.. progress.Reports.Where(p => p.Kind is DataSetProgressKind.Downloaded or DataSetProgressKind.Found).Select(p => p.ToString())];
        Assert.HasCount(5, lines);
        string size = (Generated.Archives["train-images-idx3-ubyte.gz"].Length / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        Assert.StartsWith($"train-images-idx3-ubyte.gz: {size} KiB from {server.Mirror("m")}train-images-idx3-ubyte.gz, checksum verified, saved as ", lines[0]);
        Assert.AreEqual($"using {dir.File("chosen")} (from --data)", lines[^1]);
    }

    [TestMethod]
    public async Task DataSetProvider_NowhereAndNoDownloader_ListsWhereItLooked()
    {
        using var dir = new TemporaryDirectory();
        var search = new DataDirectorySearch { EnvironmentValue = dir.File("env"), CurrentDirectory = dir.Path };

        DataSetException e = await Assert.ThrowsExactlyAsync<DataSetException>(
            () => new DataSetProvider(downloader: null).LoadAsync(Generated.Description, search));

        Assert.StartsWith("Generated: no directory holds its four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, .gz or raw). Searched:", e.Message);
        Assert.Contains($"{dir.File("env")} (from LENET_DATA)", e.Message);
        Assert.Contains($"{dir.File("data")} (./data)", e.Message);
    }

    [TestMethod]
    public void DataSetSplits_OtherDataUnderTheRightNames_IsRefused()
    {
        // The generated files stand in for MNIST where Fashion-MNIST was asked for: same names, other contents.
        using var dir = new TemporaryDirectory();
        IdxTestFiles.WriteAll(Generated.Archives, dir.Path);

        DataSetException e = Assert.ThrowsExactly<DataSetException>(() => DataSetSplits.Load(FashionMnist.Description, dir.Path));

        Assert.StartsWith(
            $"train-images-idx3-ubyte.gz: its IDX contents have SHA-256 {Generated.Description.TrainImages.ContentSha256}, but Fashion-MNIST's train-images-idx3-ubyte has c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888.",
            e.Message);
        Assert.Contains("belongs to another data set (MNIST and Fashion-MNIST use the same file names)", e.Message);
    }

    [TestMethod]
    public void DataSetSplits_MissingFile_SaysWhichAndWhere()
    {
        using var dir = new TemporaryDirectory();
        IdxTestFiles.WriteAll(Generated.Archives.Where(f => !f.Key.StartsWith("t10k-labels", StringComparison.Ordinal)).ToDictionary(), dir.Path);

        DataSetException e = Assert.ThrowsExactly<DataSetException>(() => DataSetSplits.Load(Generated.Description, dir.Path));

        Assert.AreEqual($"t10k-labels-idx1-ubyte.gz: not found in '{dir.Path}' (looked for t10k-labels-idx1-ubyte.gz and t10k-labels-idx1-ubyte).", e.Message);
    }
}
