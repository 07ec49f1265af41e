using LeNetOnnx.Trainer.Data;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class DataSetLocatorTests
{
    private static readonly GeneratedDataSet Generated = IdxTestFiles.Generate(trainCount: 3, testCount: 2);

    [TestMethod]
    public void DataSetLocator_Candidates_OptionThenEnvironmentThenDataThenSystem()
    {
        using var dir = new TemporaryDirectory();
        DataSetDescription description = Generated.Description with { SystemDirectories = ["/usr/share/datasets/x"] };
        var search = new DataDirectorySearch { DataOption = "mine", EnvironmentValue = "/srv/data/", CurrentDirectory = dir.Path };

        DataDirectoryCandidate[] candidates = [.. DataSetLocator.Candidates(description, search)];

        CollectionAssert.AreEqual(
            new[]
            {
                new DataDirectoryCandidate(dir.File("mine"), DataDirectorySource.DataOption),
                new DataDirectoryCandidate("/srv/data", DataDirectorySource.EnvironmentVariable),
                new DataDirectoryCandidate(dir.File("data"), DataDirectorySource.CurrentDirectory),
                new DataDirectoryCandidate("/usr/share/datasets/x", DataDirectorySource.SystemDirectory),
            },
            candidates);
    }

    [TestMethod]
    public void DataSetLocator_Candidates_SkipsUnsetAndRepeatedDirectories()
    {
        using var dir = new TemporaryDirectory();
        var search = new DataDirectorySearch { DataOption = "data", EnvironmentValue = " ", CurrentDirectory = dir.Path };

        DataDirectoryCandidate only = Assert.ContainsSingle(DataSetLocator.Candidates(Generated.Description, search));

        Assert.AreEqual(new DataDirectoryCandidate(dir.File("data"), DataDirectorySource.DataOption), only);
    }

    [TestMethod]
    public void DataSetLocator_FindComplete_PassesOverAnIncompleteDirectory()
    {
        using var dir = new TemporaryDirectory();
        string option = dir.Subdirectory("option");
        string environment = dir.Subdirectory("environment");
        IdxTestFiles.WriteAll(Generated.Archives.Where(f => !f.Key.StartsWith("t10k-labels", StringComparison.Ordinal)).ToDictionary(), option);
        IdxTestFiles.WriteAll(Generated.Archives, environment);
        var search = new DataDirectorySearch { DataOption = option, EnvironmentValue = environment, CurrentDirectory = dir.Path };

        DataDirectoryCandidate? found = DataSetLocator.FindComplete(Generated.Description, search);

        Assert.AreEqual(new DataDirectoryCandidate(environment, DataDirectorySource.EnvironmentVariable), found);
    }

    [TestMethod]
    public void DataSetLocator_FindComplete_AcceptsRawAndMixedFiles()
    {
        using var dir = new TemporaryDirectory();
        string data = dir.Subdirectory("data");
        IdxTestFiles.WriteAll(Generated.Raw.Take(2).ToDictionary(), data);
        IdxTestFiles.WriteAll(Generated.Archives.Skip(2).ToDictionary(), data);

        DataDirectoryCandidate? found = DataSetLocator.FindComplete(Generated.Description, new DataDirectorySearch { CurrentDirectory = dir.Path });

        Assert.AreEqual(new DataDirectoryCandidate(data, DataDirectorySource.CurrentDirectory), found);
        Assert.AreEqual(Path.Combine(data, "train-images-idx3-ubyte"), DataSetLocator.ResolveFile(data, Generated.Description.TrainImages));
        Assert.AreEqual(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), DataSetLocator.ResolveFile(data, Generated.Description.TestImages));
    }

    [TestMethod]
    public void DataSetLocator_FindComplete_FallsBackToSystemDirectories()
    {
        using var dir = new TemporaryDirectory();
        string system = dir.Subdirectory("system");
        IdxTestFiles.WriteAll(Generated.Archives, system);
        DataSetDescription description = Generated.Description with { SystemDirectories = [system] };

        DataDirectoryCandidate? found = DataSetLocator.FindComplete(description, new DataDirectorySearch { DataOption = dir.File("empty"), CurrentDirectory = dir.Path });

        Assert.AreEqual(new DataDirectoryCandidate(system, DataDirectorySource.SystemDirectory), found);
        Assert.IsNull(DataSetLocator.FindComplete(Generated.Description, new DataDirectorySearch { CurrentDirectory = dir.Path }));
    }

    [TestMethod]
    public void DataSetLocator_FindComplete_FindsDebiansFashionMnistWhenNothingElseHoldsIt()
    {
        RealFashionMnist.RequireDirectory();
        using var dir = new TemporaryDirectory();

        DataDirectoryCandidate? found = DataSetLocator.FindComplete(FashionMnist.Description, new DataDirectorySearch { CurrentDirectory = dir.Path });

        Assert.AreEqual(new DataDirectoryCandidate(FashionMnist.DebianDirectory, DataDirectorySource.SystemDirectory), found);
    }

    [TestMethod]
    public void DataSetLocator_ChooseDownloadDirectory_PassesOverUnwritableAndCreatesTheNext()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("a-file"), "not a directory");
        var progress = new RecordingProgress();
        var search = new DataDirectorySearch { DataOption = dir.File("a-file/sub"), EnvironmentValue = dir.File("new/nested"), CurrentDirectory = dir.Path };

        DataDirectoryCandidate chosen = DataSetLocator.ChooseDownloadDirectory(Generated.Description, search, progress);

        Assert.AreEqual(new DataDirectoryCandidate(dir.File("new/nested"), DataDirectorySource.EnvironmentVariable), chosen);
        Assert.IsTrue(Directory.Exists(dir.File("new/nested")));
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir.File("new/nested")), "the write test leaves nothing behind");
        DataSetProgress skipped = Assert.ContainsSingle(progress.Reports);
        Assert.AreEqual(DataSetProgressKind.DirectorySkipped, skipped.Kind);
        Assert.Contains("a-file/sub (from --data)", skipped.Detail!);
    }

    [TestMethod]
    public void DataSetLocator_ChooseDownloadDirectory_NeverWritesToSystemDirectories()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("data"), "a file where ./data would be");
        DataSetDescription description = Generated.Description with { SystemDirectories = [dir.Subdirectory("system")] };
        var search = new DataDirectorySearch { DataOption = dir.File("data/x"), CurrentDirectory = dir.Path };

        DataSetException e = Assert.ThrowsExactly<DataSetException>(() => DataSetLocator.ChooseDownloadDirectory(description, search));

        Assert.StartsWith("Generated: not found, and no directory to download it into is writable:", e.Message);
        Assert.Contains($"{dir.File("data/x")} (from --data): ", e.Message);
        Assert.Contains($"{dir.File("data")} (./data): ", e.Message);
        Assert.DoesNotContain("system", e.Message);
        Assert.Contains("Give a writable directory with --data or LENET_DATA.", e.Message);
    }
}
