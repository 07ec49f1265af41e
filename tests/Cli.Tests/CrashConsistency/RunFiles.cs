using System.Text.Json;
using System.Text.RegularExpressions;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Tests.CrashConsistency;

/// <summary>
/// The files one <c>lenet train</c> run leaves under their final names: in <c>run/</c> the
/// checkpoint, <c>metrics.jsonl</c>, <c>steps.csv</c> and the plots, in <c>out/</c> the model, its card and its
/// reference file. Checks them against an uninterrupted run's.
/// </summary>
internal sealed partial class RunFiles
{
    public const string ModelName = "m.onnx";
    private const string CardName = "m.md";
    private const string ReferenceName = "m.reference.json";
    private static readonly string[] PlotNames = ["curves.png", "confusion.png", "predictions.png"];
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    public RunFiles(string root)
    {
        RunDirectory = Directory.CreateDirectory(Path.Combine(root, "run")).FullName;
        OutputDirectory = Directory.CreateDirectory(Path.Combine(root, "out")).FullName;
    }

    public string RunDirectory { get; }

    public string OutputDirectory { get; }

    public string Checkpoint => Path.Combine(RunDirectory, "checkpoint.lnck");

    public string Metrics => Path.Combine(RunDirectory, "metrics.jsonl");

    public string Steps => Path.Combine(RunDirectory, "steps.csv");

    public string Model => Path.Combine(OutputDirectory, ModelName);

    private IEnumerable<string> FinalNames =>
        [Checkpoint, Metrics, Steps, .. PlotNames.Select(p => Path.Combine(RunDirectory, p)), Model, Path.Combine(OutputDirectory, CardName), Path.Combine(OutputDirectory, ReferenceName)];

    /// <summary>The AtomicFile temporaries lying in the two directories.</summary>
    public string[] TemporaryFiles() =>
        [.. new[] { RunDirectory, OutputDirectory }.SelectMany(Directory.GetFiles).Where(f => TemporaryFileWatch.TargetName(Path.GetFileName(f)) is not null).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Asserts that every file under a final name is whole and what the uninterrupted
    /// <paramref name="reference"/> run wrote at the same point, and that nothing else but
    /// temporaries of those names lies beside them. Returns the checkpoint's epoch (0: none yet).
    /// </summary>
    public int AssertConsistentWith(RunFiles reference, int stepsPerEpoch)
    {
        string[] known = [.. FinalNames];
        foreach (string file in new[] { RunDirectory, OutputDirectory }.SelectMany(d => Directory.GetFileSystemEntries(d)))
        {
            string? target = TemporaryFileWatch.TargetName(Path.GetFileName(file));
            string final = target is null ? file : Path.Combine(Path.GetDirectoryName(file)!, target);
            Assert.IsTrue(known.Contains(final), $"unexpected file {file}");
        }

        int epoch = 0;
        if (File.Exists(Checkpoint))
        {
            Checkpoint checkpoint = CheckpointFile.Read(Checkpoint);
            epoch = checkpoint.Epoch;
            Assert.AreEqual(epoch * (long)stepsPerEpoch, checkpoint.Step, "only epoch ends are checkpointed without Ctrl-C");
        }

        if (File.Exists(Metrics))
        {
            MetricsLine[] lines = ReadMetrics(Metrics);
            MetricsLine[] expected = ReadMetrics(reference.Metrics);
            Assert.IsTrue(lines.Length == epoch || lines.Length == epoch + 1, $"metrics.jsonl has {lines.Length} epochs, the checkpoint {epoch}: it may be one ahead (killed between the two writes), never behind");
            CollectionAssert.AreEqual(expected[..lines.Length], lines, "every metrics line equals the uninterrupted run's");
        }
        else
        {
            Assert.AreEqual(0, epoch, "a checkpoint without metrics.jsonl");
        }

        if (File.Exists(Steps))
        {
            string[] lines = ReadLines(Steps);
            string[] expected = ReadLines(reference.Steps);
            int steps = lines.Length - 1;
            Assert.IsTrue(steps == epoch * stepsPerEpoch || steps == (epoch + 1) * stepsPerEpoch, $"steps.csv has {steps} steps, the checkpoint {epoch} epochs of {stepsPerEpoch}: it may be one epoch ahead, never behind");
            CollectionAssert.AreEqual(expected[..lines.Length], lines, "every step line equals the uninterrupted run's");
        }
        else
        {
            Assert.AreEqual(0, epoch, "a checkpoint without steps.csv");
        }

        if (File.Exists(Model))
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(reference.Model), File.ReadAllBytes(Model), "the exported model");
            using LeNetClassifier classifier = LeNetClassifier.Load(Model);
        }

        AssertSameBytes(Path.Combine(reference.OutputDirectory, ReferenceName), Path.Combine(OutputDirectory, ReferenceName));
        foreach (string plot in PlotNames)
        {
            string path = Path.Combine(RunDirectory, plot);
            if (File.Exists(path))
            {
                byte[] png = File.ReadAllBytes(path);
                Assert.IsTrue(png.AsSpan().StartsWith(PngSignature) && png.AsSpan().EndsWith(PngEnd), $"{path} is not a whole PNG");
            }

            AssertSameBytes(Path.Combine(reference.RunDirectory, plot), path);
        }

        string card = Path.Combine(OutputDirectory, CardName);
        if (File.Exists(card))
        {
            Assert.AreEqual(StableCardText(Path.Combine(reference.OutputDirectory, CardName)), StableCardText(card), "the model card, but for times and the command line");
        }

        return epoch;
    }

    /// <summary>Asserts that every file a finished run writes is there under its final name.</summary>
    public void AssertAllWritten()
    {
        foreach (string file in FinalNames)
        {
            Assert.IsTrue(File.Exists(file), $"{file} was not written");
        }
    }

    /// <summary>The epoch's figures that do not depend on timing, in file order.</summary>
    public static MetricsLine[] ReadMetrics(string path)
    {
        string text = File.ReadAllText(path);
        Assert.IsTrue(text.Length == 0 || text.EndsWith('\n'), $"{path} ends in a partial line");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            JsonElement e = JsonDocument.Parse(line).RootElement;
            return new MetricsLine(
                e.GetProperty("epoch").GetInt32(),
                e.GetProperty("loss").GetDouble(),
                e.GetProperty("train_accuracy").GetDouble(),
                e.GetProperty("test_loss").GetDouble(),
                e.GetProperty("test_accuracy").GetDouble(),
                e.GetProperty("learning_rate").GetDouble());
        })];
    }

    private static string[] ReadLines(string path)
    {
        string text = File.ReadAllText(path);
        Assert.IsTrue(text.EndsWith('\n'), $"{path} ends in a partial line");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AssertSameBytes(string expected, string actual)
    {
        if (File.Exists(actual))
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(expected), File.ReadAllBytes(actual), actual);
        }
    }

    /// <summary>The card without what differs between runs: the wall time and command line, and the seconds and img/s of each epoch.</summary>
    private static string StableCardText(string path)
    {
        string text = File.ReadAllText(path);
        Assert.IsTrue(text.EndsWith("for checking a runtime.\n", StringComparison.Ordinal) || text.EndsWith("for checking a runtime.\r\n", StringComparison.Ordinal), $"{path} is cut short");
        return string.Join('\n', text.Split('\n')
            .Where(l => !l.StartsWith("| trained with", StringComparison.Ordinal))
            .Select(l => CurveRow().IsMatch(l) ? string.Join('|', l.Split('|')[..6]) : l));
    }

    [GeneratedRegex(@"^\| \d+ \|( [^|]+ \|){6}$")]
    private static partial Regex CurveRow();
}

/// <summary>One line of metrics.jsonl without its timings.</summary>
internal sealed record MetricsLine(int Epoch, double Loss, double TrainAccuracy, double TestLoss, double TestAccuracy, double LearningRate);
