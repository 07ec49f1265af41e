using LeNetOnnx.Builder;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Cli.Tests;

/// <summary>Which failures are the user's (exit 2), which the output's (3), which a diverged run's (4) and which a bug's (1).</summary>
[TestClass]
public sealed class ExitCodeTests
{
    [TestMethod]
    public void Describe_TheProjectsUserErrorTypesAreBadInput()
    {
        Assert.AreEqual(ExitCodes.BadInput, LenetApp.Describe(new InvalidOptionException("The batch size must be 1 to 65,536, got 0.")).Code);
        Assert.AreEqual(ExitCodes.BadInput, LenetApp.Describe(new OutputPathException("Cannot write '/x': it is a directory.")).Code);
        Assert.AreEqual(ExitCodes.BadInput, LenetApp.Describe(new UsageException("--output is a directory")).Code);
        Assert.AreEqual(ExitCodes.Diverged, LenetApp.Describe(new TrainingDivergedException("training diverged")).Code);
    }

    [TestMethod]
    public void Describe_AnArgumentExceptionFromInsideIsABugNotAUserMistake()
    {
        (int code, string message) = LenetApp.Describe(new ArgumentOutOfRangeException("count", "an internal index went wrong"));
        Assert.AreEqual(ExitCodes.InternalError, code);
        StringAssert.StartsWith(message, "internal error: ArgumentOutOfRangeException");
        Assert.AreEqual(ExitCodes.InternalError, LenetApp.Describe(new ArgumentException("x")).Code);
    }
}
