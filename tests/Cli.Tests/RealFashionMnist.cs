using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Tests;

/// <summary>
/// The real Fashion-MNIST files that Debian's <c>dataset-fashion-mnist</c> installs, for the tests
/// that need them: inconclusive where the package is missing, a failure under CI.
/// </summary>
internal static class RealFashionMnist
{
    /// <summary>Where the package puts the four gzip IDX files.</summary>
    public const string Directory = FashionMnist.DebianDirectory;

    private static readonly Lazy<ImageDataSet> TestSplit = new(() => ImageDataSet.Load(
        "Fashion-MNIST test", TestImagesFile, Path.Combine(Directory, "t10k-labels-idx1-ubyte.gz")));

    /// <summary>The test images file (gzip IDX); call <see cref="Require"/> first.</summary>
    public static string TestImagesFile => Path.Combine(Directory, "t10k-images-idx3-ubyte.gz");

    /// <summary>Stops the test (inconclusive, or failed under CI) unless the package is installed.</summary>
    public static void Require()
    {
        string[] files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
        if (!files.All(f => File.Exists(Path.Combine(Directory, f))))
        {
            Prerequisite.Missing($"Fashion-MNIST is not installed in {Directory} (apt-get install dataset-fashion-mnist).");
        }
    }

    /// <summary>The 10,000 test images, read once per test run.</summary>
    public static ImageDataSet Test()
    {
        Require();
        return TestSplit.Value;
    }
}
