using System.Diagnostics.CodeAnalysis;

namespace LeNetOnnx.Tests;

/// <summary>
/// What a test does when something it needs from outside .NET (the data set, PyTorch, node) is
/// not installed: inconclusive on a developer's machine, a failure under CI, which installs it.
/// </summary>
internal static class Prerequisite
{
    [DoesNotReturn]
    public static void Missing(string message)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }

        Assert.Inconclusive(message);
        throw new System.Diagnostics.UnreachableException();
    }
}
