using LeNetOnnx.Tests;
using LeNetOnnx.Fuzz.Running;

namespace LeNetOnnx.Fuzz.Tests;

/// <summary>The runner itself: it must see crashes, hangs and earlier process deaths, and save their inputs.</summary>
[TestClass]
public sealed class FuzzRunnerTests
{
    private static readonly byte[] Seed = [1, 2, 3, 4, 5, 6, 7, 8];

    [TestMethod]
    public void FuzzRunner_AnUndocumentedExceptionIsACrashWithItsInputSaved()
    {
        using var findings = new TemporaryDirectory();
        using var target = new TestTarget(input => throw (input.SequenceEqual(Seed) ? new FormatException("rejected") : new IndexOutOfRangeException("bug")));

        FuzzSummary summary = new FuzzRunner(target, new FuzzOptions { MaxExecutions = 50, FindingsDirectory = findings.Path }).Run();

        Assert.AreEqual(50, summary.Executions);
        Assert.AreEqual(1, summary.Rejected);
        Finding crash = summary.Findings.Single();
        Assert.AreEqual(FindingKind.Crash, crash.Kind);
        Assert.Contains("IndexOutOfRangeException", crash.Signature);
        Assert.AreEqual(1, summary.Crashes, "one bug reached by 49 inputs is one unique crash");
        CollectionAssert.AreEqual(crash.Input, File.ReadAllBytes(crash.SavedAs!));
        Assert.Contains("bug", File.ReadAllText(Path.ChangeExtension(crash.SavedAs!, ".txt")));
        Assert.IsNull(FuzzRunner.RunOne(target, Seed), "a documented failure is no crash");
        Assert.IsInstanceOfType<IndexOutOfRangeException>(FuzzRunner.RunOne(target, crash.Input));
    }

    [TestMethod]
    public void FuzzRunner_AnInputOverTheTimeLimitIsAHangAndEndsTheRun()
    {
        using var findings = new TemporaryDirectory();
        using var release = new ManualResetEventSlim();
        using var target = new TestTarget(input =>
        {
            if (!input.SequenceEqual(Seed))
            {
                release.Wait();
            }
        });

        FuzzSummary summary = new FuzzRunner(target, new FuzzOptions { InputTimeout = TimeSpan.FromMilliseconds(200), FindingsDirectory = findings.Path }).Run();
        release.Set();

        Assert.AreEqual(1, summary.Hangs);
        Assert.AreEqual(0, summary.Crashes);
        Assert.AreEqual(1, summary.Executions, "the seed ran; the hung input is not counted");
        Assert.IsTrue(File.Exists(summary.Findings[0].SavedAs));
        Assert.IsFalse(File.Exists(Path.Combine(findings.Path, "test", "in-flight.bin")), "a hang is not reported again as a dead process");
        Assert.IsLessThan(TimeSpan.FromSeconds(30), summary.Elapsed);
    }

    [TestMethod]
    public void FuzzRunner_TheInputInFlightOfADeadProcessIsReportedByTheNextRun()
    {
        using var findings = new TemporaryDirectory();
        byte[] killer = [0xde, 0xad];
        Directory.CreateDirectory(Path.Combine(findings.Path, "test"));
        File.WriteAllBytes(Path.Combine(findings.Path, "test", "in-flight.bin"), killer);
        using var target = new TestTarget(_ => { });

        FuzzSummary summary = new FuzzRunner(target, new FuzzOptions { MaxExecutions = 5, FindingsDirectory = findings.Path }).Run();

        Finding died = summary.Findings.Single();
        Assert.AreEqual(FindingKind.ProcessDied, died.Kind);
        CollectionAssert.AreEqual(killer, File.ReadAllBytes(died.SavedAs!));
        Assert.IsFalse(File.Exists(Path.Combine(findings.Path, "test", "in-flight.bin")), "a clean end leaves no input in flight");
    }

    [TestMethod]
    public void FuzzRunner_InputsWithANewOutcomeJoinTheCorpus()
    {
        using var target = new TestTarget(input => throw new FormatException(input.Length < Seed.Length ? "short" : input.Length > Seed.Length ? "long" : "same length"));

        FuzzSummary summary = new FuzzRunner(target, new FuzzOptions { MaxExecutions = 2000 }).Run();

        Assert.AreEqual(3, summary.Outcomes);
        Assert.AreEqual(3, summary.CorpusSize, "the seed, then the first short and the first long input");
    }

    /// <summary>A target whose behaviour the test gives; FormatException is its documented failure.</summary>
    private sealed class TestTarget(Action<byte[]> run) : IFuzzTarget
    {
        public string Name => "test";

        public IReadOnlyList<byte[]> Seeds => [Seed];

        public void Run(byte[] input) => run(input);

        public bool IsDocumentedFailure(Exception exception) => exception is FormatException;

        public void Dispose()
        {
        }
    }
}
