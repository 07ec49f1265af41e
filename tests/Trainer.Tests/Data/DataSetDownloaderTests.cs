using LeNetOnnx.Trainer.Data;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class DataSetDownloaderTests
{
    private static readonly GeneratedDataSet Generated = IdxTestFiles.Generate(trainCount: 40, testCount: 10, seed: 20261203);
    private static readonly DownloadOptions Quick = new() { Timeout = TimeSpan.FromSeconds(10) };

    [TestMethod]
    public async Task DataSetDownloader_RealFilesFromLocalMirror_AreWrittenAndLoad()
    {
        // The real Fashion-MNIST archives when Debian's package is installed, else small generated ones.
        (DataSetDescription description, IReadOnlyDictionary<string, byte[]> archives) = RealOrGenerated();
        await using var server = new LocalHttpServer();
        server.ServeAll("good", archives);
        using var dir = new TemporaryDirectory();
        using HttpClient http = NewClient();
        var progress = new RecordingProgress();
        description = description with { Mirrors = [server.Mirror("missing"), server.Mirror("good")] };

        IReadOnlyList<DownloadedFile> downloaded = await new DataSetDownloader(http, Quick).DownloadMissingAsync(description, dir.Path, progress);

        Assert.HasCount(4, downloaded);
        foreach (DownloadedFile file in downloaded)
        {
            Assert.AreEqual(new Uri(server.Mirror("good"), file.File.FileName), file.Mirror);
            CollectionAssert.AreEqual(archives[file.File.FileName], File.ReadAllBytes(file.Path));
        }

        CollectionAssert.AreEqual(archives.Keys.Order(StringComparer.Ordinal).ToArray(), dir.Files());
        DataSetSplits loaded = DataSetSplits.Load(description, dir.Path);
        Assert.AreEqual(description.Name == "Fashion-MNIST" ? 60_000 : 40, loaded.Train.Count);
        Assert.HasCount(4, progress.Reports.Where(p => p.Kind == DataSetProgressKind.MirrorFailed && p.Detail == "HTTP 404 Not Found"));
        Assert.HasCount(4, progress.Reports.Where(p => p.Kind == DataSetProgressKind.Downloaded && p.Mirror!.AbsolutePath.StartsWith("/good/", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task DataSetDownloader_CorruptedFile_FallsThroughToTheNextMirror()
    {
        await using var server = new LocalHttpServer();
        byte[] good = Generated.Archives["train-labels-idx1-ubyte.gz"];
        byte[] corrupted = (byte[])good.Clone();
        corrupted[good.Length / 2] ^= 0x10;
        server.Serve("/bad/train-labels-idx1-ubyte.gz", new LocalResponse.Body(corrupted));
        server.Serve("/good/train-labels-idx1-ubyte.gz", new LocalResponse.Body(good));

        (byte[] written, MirrorFailure failure) = await DownloadWithOneFailure(server, "bad");

        Assert.Contains($"checksum mismatch: SHA-256 {IdxTestFiles.Sha256(corrupted)} over {good.Length:N0} bytes, published SHA-256 {IdxTestFiles.Sha256(good)}", failure.Reason);
        CollectionAssert.AreEqual(good, written);
    }

    [TestMethod]
    public async Task DataSetDownloader_TruncatedBody_FallsThroughToTheNextMirror()
    {
        await using var server = new LocalHttpServer();
        byte[] good = Generated.Archives["train-labels-idx1-ubyte.gz"];
        server.Serve("/cut/train-labels-idx1-ubyte.gz", new LocalResponse.Truncated(good, good.Length / 3));
        server.Serve("/good/train-labels-idx1-ubyte.gz", new LocalResponse.Body(good));

        (byte[] written, MirrorFailure failure) = await DownloadWithOneFailure(server, "cut");

        Assert.StartsWith("the transfer broke off", failure.Reason);
        CollectionAssert.AreEqual(good, written);
    }

    [TestMethod]
    public async Task DataSetDownloader_NotFound_FallsThroughToTheNextMirror()
    {
        await using var server = new LocalHttpServer();
        server.Serve("/good/train-labels-idx1-ubyte.gz", new LocalResponse.Body(Generated.Archives["train-labels-idx1-ubyte.gz"]));

        (_, MirrorFailure failure) = await DownloadWithOneFailure(server, "gone");

        Assert.AreEqual(new MirrorFailure(new Uri(server.Mirror("gone"), "train-labels-idx1-ubyte.gz"), "HTTP 404 Not Found"), failure);
    }

    [TestMethod]
    public async Task DataSetDownloader_SilentMirror_TimesOutAndFallsThrough()
    {
        await using var server = new LocalHttpServer();
        server.Serve("/silent/train-labels-idx1-ubyte.gz", new LocalResponse.Silent());
        server.Serve("/good/train-labels-idx1-ubyte.gz", new LocalResponse.Body(Generated.Archives["train-labels-idx1-ubyte.gz"]));

        (_, MirrorFailure failure) = await DownloadWithOneFailure(server, "silent", new DownloadOptions { Timeout = TimeSpan.FromSeconds(1) });

        Assert.AreEqual("timed out: no complete answer within 1 s", failure.Reason);
    }

    [TestMethod]
    public async Task DataSetDownloader_EveryMirrorFails_ListsEachAndLeavesNoFile()
    {
        await using var server = new LocalHttpServer();
        byte[] good = Generated.Archives["train-images-idx3-ubyte.gz"];
        byte[] corrupted = (byte[])good.Clone();
        corrupted[^9] ^= 1;
        server.Serve("/corrupt/train-images-idx3-ubyte.gz", new LocalResponse.Body(corrupted));
        server.Serve("/cut/train-images-idx3-ubyte.gz", new LocalResponse.Truncated(good, 100));
        server.Serve("/broken/train-images-idx3-ubyte.gz", new LocalResponse.Status(500));
        server.Serve("/silent/train-images-idx3-ubyte.gz", new LocalResponse.Silent());
        DataSetDescription description = Generated.Description with
        {
            Mirrors = [server.Mirror("missing"), server.Mirror("corrupt"), server.Mirror("cut"), server.Mirror("broken"), server.Mirror("silent")],
        };
        using var dir = new TemporaryDirectory();
        using HttpClient http = NewClient();
        var downloader = new DataSetDownloader(http, new DownloadOptions { Timeout = TimeSpan.FromSeconds(1) });

        DataSetDownloadException e = await Assert.ThrowsExactlyAsync<DataSetDownloadException>(
            () => downloader.DownloadMissingAsync(description, dir.Path));

        Assert.AreEqual("train-images-idx3-ubyte.gz", e.FileName);
        CollectionAssert.AreEqual(description.Mirrors.Select(m => new Uri(m, "train-images-idx3-ubyte.gz")).ToArray(), e.Failures.Select(f => f.Url).ToArray());
        string[] reasons = [.. e.Failures.Select(f => f.Reason)];
        Assert.AreEqual("HTTP 404 Not Found", reasons[0]);
        Assert.StartsWith("checksum mismatch", reasons[1]);
        Assert.StartsWith("the transfer broke off", reasons[2]);
        Assert.AreEqual("HTTP 500 Error", reasons[3]);
        Assert.StartsWith("timed out", reasons[4]);
        foreach (MirrorFailure failure in e.Failures)
        {
            Assert.Contains(failure.ToString(), e.Message);
        }

        Assert.StartsWith("train-images-idx3-ubyte.gz: no mirror served it with the published checksum:", e.Message);
        Assert.IsEmpty(dir.Files(), "neither the final name nor a temporary file may remain");
    }

    [TestMethod]
    public async Task DataSetDownloader_FailedDownload_LeavesAnExistingFileUntouched()
    {
        await using var server = new LocalHttpServer();
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("train-labels-idx1-ubyte.gz"), "old");
        using HttpClient http = NewClient();
        DataSetDescription description = Generated.Description with { Mirrors = [server.Mirror("missing")] };

        await Assert.ThrowsExactlyAsync<DataSetDownloadException>(
            () => new DataSetDownloader(http, Quick).DownloadAsync(description, description.TrainLabels, dir.Path));

        Assert.AreEqual("old", File.ReadAllText(dir.File("train-labels-idx1-ubyte.gz")));
        CollectionAssert.AreEqual(new[] { "train-labels-idx1-ubyte.gz" }, dir.Files());
    }

    [TestMethod]
    public async Task DataSetDownloader_OversizedBody_IsRefused()
    {
        await using var server = new LocalHttpServer();
        byte[] good = Generated.Archives["train-labels-idx1-ubyte.gz"];
        server.Serve("/big/train-labels-idx1-ubyte.gz", new LocalResponse.Body(new byte[good.Length + 1]));
        server.Serve("/good/train-labels-idx1-ubyte.gz", new LocalResponse.Body(good));

        (_, MirrorFailure failure) = await DownloadWithOneFailure(server, "big", Quick with { MaxFileBytes = good.Length });

        Assert.AreEqual($"the server announces {good.Length + 1:N0} bytes, more than the {good.Length:N0} a data set file may have", failure.Reason);
    }

    [TestMethod]
    public async Task DataSetDownloader_CallerCancels_ThrowsInsteadOfTryingTheNextMirror()
    {
        await using var server = new LocalHttpServer();
        server.Serve("/silent/train-labels-idx1-ubyte.gz", new LocalResponse.Silent());
        using var dir = new TemporaryDirectory();
        using HttpClient http = NewClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        DataSetDescription description = Generated.Description with { Mirrors = [server.Mirror("silent"), server.Mirror("next")] };

        await Assert.ThrowsAsync<OperationCanceledException>(
            () => new DataSetDownloader(http, Quick).DownloadAsync(description, description.TrainLabels, dir.Path, cancellationToken: cancel.Token));

        CollectionAssert.AreEqual(new[] { "/silent/train-labels-idx1-ubyte.gz" }, server.Requests.ToArray());
    }

    [TestMethod]
    public async Task DataSetDownloader_DownloadMissing_SkipsFilesAlreadyThere()
    {
        await using var server = new LocalHttpServer();
        server.ServeAll("good", Generated.Archives);
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), Generated.Raw["train-images-idx3-ubyte"]);
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte.gz"), Generated.Archives["t10k-images-idx3-ubyte.gz"]);
        using HttpClient http = NewClient();

        IReadOnlyList<DownloadedFile> downloaded = await new DataSetDownloader(http, Quick)
            .DownloadMissingAsync(Generated.Description with { Mirrors = [server.Mirror("good")] }, dir.Path);

        CollectionAssert.AreEqual(new[] { "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }, downloaded.Select(d => d.File.FileName).ToArray());
        CollectionAssert.AreEqual(new[] { "/good/train-labels-idx1-ubyte.gz", "/good/t10k-labels-idx1-ubyte.gz" }, server.Requests.ToArray());
    }

    internal static HttpClient NewClient() => new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(byte[] Written, MirrorFailure Failure)> DownloadWithOneFailure(LocalHttpServer server, string failingMirror, DownloadOptions? options = null)
    {
        using var dir = new TemporaryDirectory();
        using HttpClient http = NewClient();
        var progress = new RecordingProgress();
        DataSetDescription description = Generated.Description with { Mirrors = [server.Mirror(failingMirror), server.Mirror("good")] };

        DownloadedFile file = await new DataSetDownloader(http, options ?? Quick).DownloadAsync(description, description.TrainLabels, dir.File("created"), progress);

        Assert.AreEqual(new Uri(server.Mirror("good"), "train-labels-idx1-ubyte.gz"), file.Mirror);
        Assert.AreEqual(dir.File("created/train-labels-idx1-ubyte.gz"), file.Path);
        CollectionAssert.AreEqual(new[] { "created/train-labels-idx1-ubyte.gz" }, dir.Files(), "only the verified file, no temporary one");
        DataSetProgress failed = Assert.ContainsSingle(progress.Reports.Where(p => p.Kind == DataSetProgressKind.MirrorFailed));
        Assert.AreEqual(new Uri(server.Mirror(failingMirror), "train-labels-idx1-ubyte.gz"), failed.Mirror);
        Assert.AreEqual(DataSetProgressKind.Downloaded, progress.Reports[^1].Kind);
        return (File.ReadAllBytes(file.Path), new MirrorFailure(failed.Mirror!, failed.Detail!));
    }

    private static (DataSetDescription Description, IReadOnlyDictionary<string, byte[]> Archives) RealOrGenerated()
    {
        if (!RealFashionMnist.IsPresent)
        {
            return (Generated.Description, Generated.Archives);
        }

        // Debian recompressed the archives, so their bytes are not the published ones (the MD5s
        // differ) though the IDX contents are: the local mirror is checked against their own SHA-256.
        var archives = FashionMnist.Description.Files.ToDictionary(f => f.FileName, f => File.ReadAllBytes(Path.Combine(FashionMnist.DebianDirectory, f.FileName)));
        DataSetFile Served(DataSetFile file) => file with { Published = Checksum.Sha256Of(archives[file.FileName]) };
        DataSetDescription description = FashionMnist.Description with
        {
            TrainImages = Served(FashionMnist.Description.TrainImages),
            TrainLabels = Served(FashionMnist.Description.TrainLabels),
            TestImages = Served(FashionMnist.Description.TestImages),
            TestLabels = Served(FashionMnist.Description.TestLabels),
            SystemDirectories = [],
        };
        return (description, archives);
    }
}
