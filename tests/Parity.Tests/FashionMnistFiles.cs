using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Parity.Tests;

/// <summary>Debian's Fashion-MNIST files, for the tests that train or read them: inconclusive where the package is missing, a failure under CI.</summary>
internal static class FashionMnistFiles
{
    /// <summary>The directory holding the four gzip IDX files.</summary>
    public static string RequireDirectory()
    {
        if (!FashionMnist.Description.Files.All(f => File.Exists(Path.Combine(FashionMnist.DebianDirectory, f.FileName))))
        {
            Prerequisite.Missing($"Fashion-MNIST is not installed in {FashionMnist.DebianDirectory} (tools/install-prerequisites.sh).");
        }

        return FashionMnist.DebianDirectory;
    }
}
