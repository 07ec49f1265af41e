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

    /// <summary>
    /// Asserts a user mistake: exit 2, exactly one error line on stderr (progress lines such as
    /// "data: …" may precede it) naming <paramref name="mentions"/>, no stack trace, nothing on stdout.
    /// </summary>
    public void AssertUsageError(string mentions)
    {
        Assert.AreEqual(2, ExitCode, Error);
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("data: ", StringComparison.Ordinal)).ToArray();
        Assert.HasCount(1, lines, Error);
        StringAssert.Contains(lines[0], mentions);
        Assert.IsFalse(System.Text.RegularExpressions.Regex.IsMatch(Error, @"^\s+at \S+\(", System.Text.RegularExpressions.RegexOptions.Multiline), "a stack trace reached the user: " + Error);
        Assert.AreEqual("", Output);
    }
}
