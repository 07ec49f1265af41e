namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class SummaryCommandTests
{
    [TestMethod]
    public void Summary_OriginalPrintsThePapersRows()
    {
        CliRun run = CliRun.Of("summary", "--variant", "original");
        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        AssertRow(lines, "C1", "6x28x28", "156", "122,304");
        AssertRow(lines, "S2", "6x14x14", "12", "5,880");
        AssertRow(lines, "C3", "16x10x10", "1,516", "151,600");
        AssertRow(lines, "S4", "16x5x5", "32", "2,000");
        AssertRow(lines, "C5", "120x1x1", "48,120", "48,120");
        AssertRow(lines, "F6", "84", "10,164", "10,164");
        AssertRow(lines, "total", "60,850");
    }

    [TestMethod]
    [DataRow("classic", "61,706")]
    [DataRow("relu-max", "44,426")]
    [DataRow("tanh-max", "44,426")]
    [DataRow("sigmoid-max", "44,426")]
    [DataRow("modern", "61,706")]
    public void Summary_TotalsPerVariant(string variant, string parameters)
    {
        CliRun run = CliRun.Of("summary", "-v", variant);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        string total = run.Output.Split('\n').Single(l => l.StartsWith("total", StringComparison.Ordinal));
        StringAssert.Contains(total, parameters);
    }

    [TestMethod]
    [DataRow]
    [DataRow("build")]
    [DataRow("summary")]
    public void Help_IsAvailableOnEveryCommand(params string[] command)
    {
        CliRun run = CliRun.Of([.. command, "--help"]);
        Assert.AreEqual(0, run.ExitCode, run.Error);
        StringAssert.Contains(run.Output, "Usage:");
    }

    [TestMethod]
    public void Root_WithoutACommandIsAUsageError() => CliRun.Of().AssertUsageError("lenet");

    private static void AssertRow(string[] lines, string layer, params string[] cells)
    {
        string row = lines.Single(l => l.StartsWith(layer + " ", StringComparison.Ordinal));
        string[] fields = row.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string cell in cells)
        {
            CollectionAssert.Contains(fields, cell, row);
        }
    }
}
