using System.Text.RegularExpressions;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>
/// A row run as <c>lenet ARGS</c> in-process. It must exit with <see cref="ExitCode"/>, print one
/// line on stderr (after any <c>data: …</c> progress) that starts with <c>lenet</c> and contains
/// <see cref="Mentions"/>, show no stack trace, print nothing on stdout, and leave the scene as it
/// found it: no output, no temporary file, no new directory, a file that was there unchanged.
/// Arguments, mentions and file paths may hold the tokens of <see cref="BadInputScene"/>.
/// </summary>
public sealed partial record CommandLineCase(string Command, string Input, string[] Arguments, int ExitCode, string Mentions) : BadInputCase(Command, Input)
{
    /// <summary>Files the row writes before the run (path with tokens → contents); a file on <c>{full}</c> is written before the disk is filled.</summary>
    public IReadOnlyList<KeyValuePair<string, Func<byte[]>>> Files { get; init; } = [];

    /// <summary>
    /// The start of the lines stdout may hold before the failure (train announces what it trains
    /// once the data is loaded, before it reads the checkpoint to resume); null: stdout stays empty.
    /// </summary>
    public string? Announces { get; init; }

    internal override Task CheckAsync(BadInputScene scene)
    {
        foreach ((string path, Func<byte[]> contents) in Files)
        {
            scene.Write(path, contents());
        }

        string[] arguments = [.. Arguments.Select(scene.Resolve)];
        string mentions = scene.Resolve(Mentions);
        scene.Seal();
        string[] before = scene.Snapshot();

        CliRun run = CliRun.Of(arguments);

        string said = $"lenet {string.Join(' ', arguments)}\nexit {run.ExitCode}\nstdout: {run.Output}\nstderr: {run.Error}";
        Assert.AreEqual(ExitCode, run.ExitCode, said);
        string[] lines = [.. run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("data: ", StringComparison.Ordinal))];
        Assert.HasCount(1, lines, "one line on stderr:\n" + said);
        StringAssert.StartsWith(lines[0], "lenet", said);
        StringAssert.Contains(lines[0], mentions, said);
        Assert.IsFalse(StackFrame().IsMatch(run.Error), "a stack trace reached the user:\n" + said);
        Assert.DoesNotContain("internal error", run.Error, said);
        Assert.IsTrue(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(l => Announces is not null && l.StartsWith(Announces, StringComparison.Ordinal)), "nothing on stdout:\n" + said);
        string[] after = scene.Snapshot();
        CollectionAssert.AreEqual(before, after, $"the command changed the scene (an output, a temporary file or a directory):\nbefore:\n  {string.Join("\n  ", before)}\nafter:\n  {string.Join("\n  ", after)}\n{said}");
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
