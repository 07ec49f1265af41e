using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

/// <summary>
/// <c>--device</c> of train, evaluate and serve in the build under test. CI runs these against
/// the CPU build and against the GPU build (<c>-p:OnnxRuntimeFlavor=Gpu</c>) on its machine
/// without CUDA: there <c>auto</c> must train on the CPU saying which library is missing, and
/// <c>cuda</c> must be a user error saying what to install.
/// </summary>
[TestClass]
[TestCategory("Device")]
public sealed class DeviceOptionTests
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;
    private const string FallbackLine = "lenet: CUDA cannot be used (";
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void Train_Auto_TrainsShortRunOnTheCpu_SayingWhyWhenTheGpuBuildCannotUseCuda()
    {
        RealFashionMnist.Require();
        string model = temporary.File("m.onnx");
        CliRun train = CliRun.Of("train", "--device", "auto", "--epochs", "1", "--train-limit", "512", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", model);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        Assert.IsTrue(File.Exists(model));
        if (CudaHere.Usable)
        {
            StringAssert.Contains(train.Output, "device Cuda");
            return;
        }

        StringAssert.Contains(train.Output, "device Cpu (2 replicas)");
        AssertFallback(train.Error, "training");
    }

    [TestMethod]
    public void Evaluate_Auto_EvaluatesOnTheCpu_SayingWhyWhenTheGpuBuildCannotUseCuda()
    {
        RealFashionMnist.Require();
        CliRun evaluate = CliRun.Of("evaluate", "--model", RepositoryRoot.Combine("models", "lenet-classic.onnx"), "--device", "auto", "--data", DebianFashionMnist);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.Error);
        StringAssert.Contains(evaluate.Output, "(10,000 images)");
        if (!CudaHere.Usable)
        {
            AssertFallback(evaluate.Error, "evaluating");
        }
    }

    [TestMethod]
    [DataRow("train")]
    [DataRow("evaluate")]
    [DataRow("serve")]
    public void Cuda_WhereItCannotBeUsed_IsAUserErrorSayingWhatToInstall(string command)
    {
        if (CudaHere.Usable)
        {
            Assert.Inconclusive("CUDA works on this machine.");
        }

        RealFashionMnist.Require();
        string[] arguments = command switch
        {
            "train" => ["train", "--epochs", "1", "--train-limit", "256", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")],
            "evaluate" => ["evaluate", "--model", RepositoryRoot.Combine("models", "lenet-classic.onnx"), "--data", DebianFashionMnist],
            _ => ["serve", "--model", RepositoryRoot.Combine("models", "lenet-classic.onnx"), "--urls", "http://127.0.0.1:0"],
        };
        CliRun run = CliRun.Of([.. arguments, "--device", "cuda"]);
        run.AssertUsageError("lenet: --device cuda: CUDA cannot be used: ");
        StringAssert.EndsWith(run.Error.TrimEnd(), "Or use --device cpu.");
        if (CudaHere.ProviderInBuild)
        {
            StringAssert.Contains(run.Error, "CUDA 13.x and cuDNN 9.x");
            if (OperatingSystem.IsLinux())
            {
                StringAssert.Contains(run.Error, ": cannot open shared object file");
            }
        }
        else
        {
            StringAssert.Contains(run.Error, "-p:OnnxRuntimeFlavor=Gpu");
        }

        Assert.IsFalse(File.Exists(temporary.File("m.onnx")), "nothing is written");
    }

    // The GPU build on a machine without CUDA says so in one line; the CPU build says nothing.
    private static void AssertFallback(string error, string what)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("CUDA", StringComparison.Ordinal)).ToArray();
        if (!CudaHere.ProviderInBuild)
        {
            Assert.IsEmpty(lines, error);
            return;
        }

        Assert.HasCount(1, lines, error);
        StringAssert.StartsWith(lines[0], FallbackLine);
        StringAssert.EndsWith(lines[0].TrimEnd(), $"); {what} on the CPU.");
        if (OperatingSystem.IsLinux())
        {
            StringAssert.Contains(lines[0], ": cannot open shared object file");
        }
    }
}
