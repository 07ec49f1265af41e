using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.CrashConsistency;

/// <summary>
/// Kills real <c>lenet train</c> processes with SIGKILL, at random moments and the moment a
/// checkpoint, metrics or export write begins, and resumes them; after every kill each file under
/// its final name must be whole and equal to what an uninterrupted run wrote, and the finished run
/// must end with the uninterrupted run's weights and model, byte for byte.
/// </summary>
[TestClass]
public sealed partial class CrashConsistencyTests
{
    /// <summary>The kill schedule's seed; set LENET_CRASH_SEED to try another (the log names the one used).</summary>
    private const int DefaultSeed = 20261123;
    private const int Kills = 24;
    private const int Epochs = 6;
    private const int TrainImages = 2048;
    private const int BatchSize = 256;
    private const int StepsPerEpoch = TrainImages / BatchSize;
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(3);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Train_KilledAtRandomMomentsAndMidWriteResumesToTheUninterruptedRunsBytes()
    {
        RealFashionMnist.Require();
        int seed = int.TryParse(Environment.GetEnvironmentVariable("LENET_CRASH_SEED"), CultureInfo.InvariantCulture, out int s) ? s : DefaultSeed;
        var clock = Stopwatch.StartNew();
        using var temporary = new TemporaryDirectory();

        var reference = new RunFiles(temporary.Subdirectory("reference"));
        TimeSpan maxDelay = RunUninterrupted(temporary.Path, reference);
        Log($"reference run: {clock.Elapsed.TotalSeconds:F1} s; random kills up to {maxDelay.TotalSeconds:F2} s after a start; seed {seed}");

        var crashed = new RunFiles(temporary.Subdirectory("crashed"));
        var random = new Random(seed);
        int epoch = 0;
        int midWrite = 0;
        var killsByWrite = new SortedDictionary<string, (int Kills, int MidWrite)>(StringComparer.Ordinal);
        for (int kill = 1; kill <= Kills; kill++)
        {
            KillPlan plan = KillPlan.Draw(random, maxDelay, trained: epoch == Epochs);
            bool resume = File.Exists(crashed.Checkpoint);
            string[] before = crashed.TemporaryFiles();
            (string? written, string moment, LenetProcess process) = StartAndKill(temporary.Path, crashed, resume, plan);
            using (process)
            {
                string[] leftMidWrite = [.. crashed.TemporaryFiles().Except(before).Select(Path.GetFileName).OfType<string>()];
                midWrite += leftMidWrite.Length > 0 ? 1 : 0;
                (int k, int m) = killsByWrite.GetValueOrDefault(written ?? "(timer)");
                killsByWrite[written ?? "(timer)"] = (k + 1, m + (leftMidWrite.Length > 0 ? 1 : 0));
                Log($"kill {kill,2}: {(resume ? "--resume" : "fresh   ")} from epoch {epoch}, plan {plan}: killed {moment}; "
                    + (leftMidWrite.Length > 0 ? $"mid-write, left {string.Join(", ", leftMidWrite)}" : "no write cut"));
                AssertResumedFrom(resume ? epoch : 0, process);
                int now = crashed.AssertConsistentWith(reference, StepsPerEpoch);
                Assert.IsGreaterThanOrEqualTo(epoch, now, $"kill {kill}: the checkpoint went back from epoch {epoch} to {now}");
                epoch = now;
            }
        }

        string[] stray = crashed.TemporaryFiles();
        bool resumeLast = File.Exists(crashed.Checkpoint);
        using (LenetProcess last = LenetProcess.Start(temporary.Path, TrainArguments(crashed, resumeLast)))
        {
            Assert.IsTrue(last.WaitForExit(ProcessLimit), "the last resume did not finish");
            Assert.AreEqual(0, last.WaitForExitAndStreams(), string.Join('\n', last.Error));
            AssertResumedFrom(resumeLast ? epoch : 0, last);
        }

        Assert.AreEqual(Epochs, crashed.AssertConsistentWith(reference, StepsPerEpoch));
        crashed.AssertAllWritten();
        CollectionAssert.AreEqual(File.ReadAllBytes(reference.Checkpoint), File.ReadAllBytes(crashed.Checkpoint), "the final checkpoint (weights, optimizer state, step)");
        AssertSameParameters(CheckpointFile.Read(reference.Checkpoint), CheckpointFile.Read(crashed.Checkpoint));
        CollectionAssert.AreEqual(RunFiles.ReadMetrics(reference.Metrics), RunFiles.ReadMetrics(crashed.Metrics), "metrics.jsonl: every epoch once, in order");
        Log("kills by the write that had begun (mid-write: a temporary file was left): " + string.Join(", ", killsByWrite.Select(p => $"{p.Key} {p.Value.Kills} ({p.Value.MidWrite} mid-write)")));
        Log($"{Kills} kills, {midWrite} of them mid-write (a temporary file left behind); {stray.Length} stray temporary files did not disturb the resumes; {clock.Elapsed.TotalSeconds:F1} s in all");
        Assert.IsGreaterThanOrEqualTo(3, midWrite, "too few kills landed inside a write to show anything about torn files");
    }

    private TimeSpan RunUninterrupted(string workingDirectory, RunFiles reference)
    {
        var checkpointWrites = new List<TimeSpan>();
        LenetProcess? process = null;
        using var watch = new TemporaryFileWatch([reference.RunDirectory], (target, _) =>
        {
            if (target == "checkpoint.lnck" && Volatile.Read(ref process) is { } p)
            {
                lock (checkpointWrites)
                {
                    checkpointWrites.Add(p.Elapsed);
                }
            }
        });
        using (process = LenetProcess.Start(workingDirectory, TrainArguments(reference, resume: false)))
        {
            Assert.IsTrue(process.WaitForExit(ProcessLimit), "the uninterrupted run did not finish");
            Assert.AreEqual(0, process.WaitForExitAndStreams(), string.Join('\n', process.Error));
        }

        Assert.AreEqual(Epochs, CheckpointFile.Read(reference.Checkpoint).Epoch);
        lock (checkpointWrites)
        {
            Assert.HasCount(Epochs, checkpointWrites, "one checkpoint write per epoch");

            // Up to the first checkpoint write: a random kill lands in start-up, training,
            // evaluation or that write, and a start rarely gets further than one epoch.
            return checkpointWrites[0];
        }
    }

    /// <summary>Starts a run and kills it as <paramref name="plan"/> says; returns the file whose write had begun (null: killed by the timer), when, and the dead process.</summary>
    private (string? Written, string Moment, LenetProcess Process) StartAndKill(string workingDirectory, RunFiles files, bool resume, KillPlan plan)
    {
        LenetProcess? process = null;
        string? killedAt = null;
        string? written = null;
        var gate = new object();
        using (new TemporaryFileWatch([files.RunDirectory, files.OutputDirectory], (target, ordinal) =>
        {
            if (plan.KillsAt(target, ordinal) && Volatile.Read(ref process) is { } p)
            {
                p.Kill();
                lock (gate)
                {
                    if (killedAt is null)
                    {
                        killedAt = string.Create(CultureInfo.InvariantCulture, $"at {p.Elapsed.TotalSeconds:F3} s, as write #{ordinal} of {target} began");
                        written = target;
                    }
                }
            }
        }))
        {
            Volatile.Write(ref process, LenetProcess.Start(workingDirectory, TrainArguments(files, resume)));
            bool exited = process.WaitForExit(plan.Moment == KillMoment.AtRandom ? plan.Delay : ProcessLimit);
            lock (gate)
            {
                if (!exited && killedAt is null)
                {
                    Assert.AreEqual(KillMoment.AtRandom, plan.Moment, $"no write the plan waits for began within {ProcessLimit}; output:\n{string.Join('\n', process.Output)}");
                    process.Kill();
                    killedAt = string.Create(CultureInfo.InvariantCulture, $"at {process.Elapsed.TotalSeconds:F3} s, by the timer");
                }
            }

            int exitCode = process.WaitForExitAndStreams();
            lock (gate)
            {
                Assert.IsNotNull(killedAt, $"the process exited by itself with {exitCode} before its kill (plan: {plan}; did that write never come?):\n{string.Join('\n', process.Error)}");
                Assert.AreEqual(137, exitCode, "128 + SIGKILL; stderr:\n" + string.Join('\n', process.Error));
                return (written, killedAt, process);
            }
        }
    }

    /// <summary>The process said nothing but data lines on stderr, and trained from the epoch after <paramref name="epoch"/> on.</summary>
    private static void AssertResumedFrom(int epoch, LenetProcess process)
    {
        string[] errors = [.. process.Error.Where(l => !l.StartsWith("data: ", StringComparison.Ordinal))];
        Assert.IsEmpty(errors, string.Join('\n', errors));
        int[] epochs = [.. process.Output.Select(l => EpochLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        CollectionAssert.AreEqual(Enumerable.Range(epoch + 1, epochs.Length).ToArray(), epochs, "the epochs a start trained follow its checkpoint's");
    }

    private static void AssertSameParameters(Checkpoint expected, Checkpoint actual)
    {
        Assert.AreEqual(expected.Step, actual.Step);
        foreach (CheckpointTensor tensor in expected.Tensors)
        {
            CollectionAssert.AreEqual(tensor.Data, actual[tensor.Name].Data, tensor.Name);
        }
    }

    private static string[] TrainArguments(RunFiles files, bool resume) =>
    [
        "train", "--recipe", "d2l", "--epochs", $"{Epochs}", "--train-limit", $"{TrainImages}", "--batch-size", $"{BatchSize}", "--threads", "1",
        "--data", LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory, "--run-dir", files.RunDirectory, "-o", files.Model, .. resume ? new[] { "--resume" } : [],
    ];

    [GeneratedRegex(@"^epoch (\d+),")]
    private static partial Regex EpochLine();

    private void Log(string line) => TestContext.WriteLine(line);
}
