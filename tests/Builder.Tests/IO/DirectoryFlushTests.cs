using LeNetOnnx.Builder.IO;

namespace LeNetOnnx.Builder.Tests.IO;

/// <summary>The directory flush behind the atomic writes reaches the system where it can, and never throws.</summary>
[TestClass]
public sealed class DirectoryFlushTests
{
    private static bool PosixSystem => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    [TestMethod]
    public void Flush_AnExistingDirectory_IsConfirmedOnPosixSystems()
    {
        string directory = Directory.CreateTempSubdirectory("lenet-flush-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "entry"), "x");
            Assert.AreEqual(PosixSystem, DirectoryFlush.Flush(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Flush_AMissingDirectory_ReportsFalseWithoutThrowing()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"lenet-flush-missing-{Guid.NewGuid():N}");
        Assert.IsFalse(DirectoryFlush.Flush(missing));
    }
}
