namespace LeNetOnnx.Cli.Tests;

/// <summary>One in-process run of <c>lenet</c> with its exit code and both streams.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = LenetApp.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts a user mistake: exit 2, exactly one line on stderr naming <paramref name="mentions"/>, no stack trace.</summary>
    public void AssertUsageError(string mentions)
    {
        Assert.AreEqual(2, ExitCode, Error);
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, Error);
        StringAssert.Contains(lines[0], mentions);
        Assert.DoesNotContain(" at ", Error);
        Assert.AreEqual("", Output);
    }
}
