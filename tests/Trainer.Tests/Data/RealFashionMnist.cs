using LeNetOnnx.Trainer.Data;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Trainer.Tests.Data;

/// <summary>
/// The real Fashion-MNIST files from Debian's <c>dataset-fashion-mnist</c>. Where they are missing
/// the calling test is inconclusive locally, but fails under CI, which installs them.
/// </summary>
internal static class RealFashionMnist
{
    public static bool IsPresent => DataSetLocator.HoldsAll(FashionMnist.Description, FashionMnist.DebianDirectory);

    public static string RequireDirectory()
    {
        if (!IsPresent)
        {
            string message = $"Fashion-MNIST is not in {FashionMnist.DebianDirectory}. Install it with 'apt-get install dataset-fashion-mnist'.";
            Prerequisite.Missing(message);
        }

        return FashionMnist.DebianDirectory;
    }
}
