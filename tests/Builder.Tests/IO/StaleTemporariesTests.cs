using LeNetOnnx.Builder.IO;

namespace LeNetOnnx.Builder.Tests.IO;

/// <summary>Temporaries left by a killed write are tidied by the next write of the same target, and nothing else is.</summary>
[TestClass]
public sealed class StaleTemporariesTests
{
    [TestMethod]
    public void AtomicFile_Write_RemovesOnlyAbandonedTemporariesOfItsTarget()
    {
        string directory = Directory.CreateTempSubdirectory("lenet-stale-").FullName;
        try
        {
            string target = Path.Combine(directory, "model.onnx");
            string abandoned = Temporary(directory, "model.onnx", age: TimeSpan.FromHours(3));
            string abandonedFolder = Path.Combine(directory, $".model.onnx.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(abandonedFolder);
            File.WriteAllText(Path.Combine(abandonedFolder, "part"), "x");
            Directory.SetLastWriteTimeUtc(abandonedFolder, DateTime.UtcNow - TimeSpan.FromHours(2));
            string inFlight = Temporary(directory, "model.onnx", age: TimeSpan.FromMinutes(5));
            string otherTarget = Temporary(directory, "other.onnx", age: TimeSpan.FromHours(3));
            string lookalike = Path.Combine(directory, ".model.onnx.not-a-guid.tmp");
            File.WriteAllText(lookalike, "x");
            File.SetLastWriteTimeUtc(lookalike, DateTime.UtcNow - TimeSpan.FromHours(3));

            AtomicFile.WriteAllBytes(target, [1, 2, 3]);

            CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(target));
            Assert.IsFalse(File.Exists(abandoned), "an abandoned temporary of the target stays");
            Assert.IsFalse(Directory.Exists(abandonedFolder), "an abandoned temporary directory of the target stays");
            Assert.IsTrue(File.Exists(inFlight), "a young temporary (maybe another writer's) was removed");
            Assert.IsTrue(File.Exists(otherTarget), "another target's temporary was removed");
            Assert.IsTrue(File.Exists(lookalike), "a file that only looks like a temporary was removed");
            Assert.HasCount(4, Directory.EnumerateFileSystemEntries(directory).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void AtomicDirectory_Write_RemovesAbandonedTemporariesOfItsTarget()
    {
        string parent = Directory.CreateTempSubdirectory("lenet-stale-").FullName;
        try
        {
            string abandoned = Temporary(parent, "artifacts", age: TimeSpan.FromHours(2));

            AtomicDirectory.Write(Path.Combine(parent, "artifacts"), [new("a.bin", [7])]);

            Assert.IsFalse(File.Exists(abandoned));
            CollectionAssert.AreEqual(new byte[] { 7 }, File.ReadAllBytes(Path.Combine(parent, "artifacts", "a.bin")));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    private static string Temporary(string directory, string target, TimeSpan age)
    {
        string path = Path.Combine(directory, $".{target}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(path, "partial");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }
}
