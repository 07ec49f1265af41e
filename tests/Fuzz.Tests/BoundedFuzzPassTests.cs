using LeNetOnnx.Fuzz.Running;

namespace LeNetOnnx.Fuzz.Tests;

/// <summary>
/// CI's bounded fuzzing pass: every target for a few seconds (about 100 s in all) from a fixed
/// seed. Any crash or hang fails the test, naming the saved input; replay it with
/// <c>dotnet run --project fuzz/LeNetOnnx.Fuzz -- replay TARGET FILE</c>, fix it, and add a
/// regression test beside the code it tests.
/// </summary>
[TestClass]
public sealed class BoundedFuzzPassTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("idx-images", 12)]
    [DataRow("idx-labels", 12)]
    [DataRow("idx-image-reader", 12)]
    [DataRow("checkpoint", 20)]
    [DataRow("model-import", 15)]
    [DataRow("model", 25)]
    public void BoundedFuzzPass_FindsNoCrashAndNoHang(string name, int seconds)
    {
        string findings = Path.Combine(Path.GetTempPath(), $"lenet-fuzz-findings-{Guid.NewGuid():N}");
        using IFuzzTarget target = FuzzTargets.Create(name, FuzzSetup.Seeds);
        FuzzSummary summary = new FuzzRunner(target, new FuzzOptions
        {
            Duration = TimeSpan.FromSeconds(seconds),
            InputTimeout = TimeSpan.FromSeconds(30),
            FindingsDirectory = findings,
        }).Run();
        TestContext.WriteLine(summary.ToString());

        Assert.IsEmpty(summary.Findings, string.Join(Environment.NewLine, summary.Findings.Select(f => $"{f.Kind} {f.Signature} saved as {f.SavedAs}:{Environment.NewLine}{f.Details}")));
        Assert.IsGreaterThanOrEqualTo(target.Seeds.Count, summary.Accepted, "every seed is a valid input");
        Assert.IsGreaterThan(target.Seeds.Count * 10L, summary.Executions, "the pass ran mutated inputs, not only the seeds");
        Assert.IsGreaterThan(0L, summary.Rejected, "mutated inputs reached the documented rejection");
        Directory.Delete(findings, recursive: true);
    }

    [TestMethod]
    public void SeedCorpus_HoldsTheCommittedModel()
    {
        Assert.IsNotNull(FuzzSetup.Seeds.CommittedModel, "models/lenet-classic.onnx was not found above the test binaries");
        Assert.HasCount(3, FuzzSetup.Seeds.Models);
    }

    [TestMethod]
    [DataRow("idx-images")]
    [DataRow("idx-labels")]
    [DataRow("idx-image-reader")]
    [DataRow("checkpoint")]
    [DataRow("model-import")]
    [DataRow("model")]
    public void Seeds_AreAcceptedByTheirTarget(string name)
    {
        using IFuzzTarget target = FuzzTargets.Create(name, FuzzSetup.Seeds);
        foreach (byte[] seed in target.Seeds)
        {
            target.Run(seed);
        }
    }
}
