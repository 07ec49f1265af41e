using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using LeNetOnnx.Fuzz.Mutation;

namespace LeNetOnnx.Fuzz.Running;

/// <summary>
/// Runs one target: its seeds, then mutated inputs until the time or execution budget is spent.
/// Each input runs on a pool thread under <see cref="FuzzOptions.InputTimeout"/>; an undocumented
/// exception is a crash, a timeout a hang (which ends the run: the stuck thread cannot be taken
/// back). Inputs whose outcome (acceptance, a rejection message's shape, a crash) was not seen
/// before join the corpus, a cheap stand-in for coverage feedback that leads past checks such as
/// the checkpoint's header parse.
/// </summary>
public sealed partial class FuzzRunner
{
    private const string InFlightFile = "in-flight.bin";

    private readonly IFuzzTarget target;
    private readonly FuzzOptions options;
    private readonly string? findingsDirectory;
    private readonly List<Finding> findings = [];
    private readonly HashSet<string> signatures = new(StringComparer.Ordinal);
    private readonly HashSet<string> outcomes = new(StringComparer.Ordinal);
    private long executions;
    private long accepted;
    private long rejected;

    /// <param name="target">The target; the caller disposes it.</param>
    /// <param name="options">The budget and where findings go.</param>
    public FuzzRunner(IFuzzTarget target, FuzzOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        this.target = target;
        this.options = options;
        findingsDirectory = options.FindingsDirectory is null ? null : Path.Combine(options.FindingsDirectory, target.Name);
    }

    /// <summary>Runs one input outside any budget, as a regression test or a replay does; null when it passes.</summary>
    public static Exception? RunOne(IFuzzTarget target, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception e) when (target.IsDocumentedFailure(e))
        {
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Fuzzes the target until the budget is spent or an input hangs.</summary>
    public FuzzSummary Run()
    {
        var clock = Stopwatch.StartNew();
        if (findingsDirectory is not null)
        {
            Directory.CreateDirectory(findingsDirectory);
            CollectEarlierDeath();
        }

        var corpus = new List<byte[]>(target.Seeds);
        int maxLength = (2 * corpus.Max(s => s.Length)) + 4096;
        var mutator = new Mutator(options.Seed, maxLength);
        var pick = new Random(options.Seed + 1);
        bool running = true;
        for (int i = 0; running && i < target.Seeds.Count && executions < options.MaxExecutions; i++)
        {
            running = Execute(target.Seeds[i], corpus, isSeed: true);
        }

        while (running && executions < options.MaxExecutions && clock.Elapsed < options.Duration)
        {
            byte[] input = mutator.Mutate(corpus[pick.Next(corpus.Count)], corpus);
            running = Execute(input, corpus, isSeed: false);
        }

        // This process survived its last input (a hang is saved as such), so nothing was in flight.
        if (findingsDirectory is not null)
        {
            File.Delete(Path.Combine(findingsDirectory, InFlightFile));
        }

        return new FuzzSummary(target.Name, executions, accepted, rejected, outcomes.Count, corpus.Count, clock.Elapsed, [.. findings]);
    }

    // Returns false when the input hung and the run must stop.
    private bool Execute(byte[] input, List<byte[]> corpus, bool isSeed)
    {
        if (findingsDirectory is not null)
        {
            File.WriteAllBytes(Path.Combine(findingsDirectory, InFlightFile), input);
        }

        Task<Exception?> run = Task.Run(() => RunCatching(input));
        if (!run.Wait(options.InputTimeout))
        {
            Record(FindingKind.Hang, "hang", $"The input ran longer than {options.InputTimeout.TotalSeconds:F0} s.", input);
            return false;
        }

        executions++;
        string outcome;
        Exception? thrown = run.Result;
        if (thrown is null)
        {
            accepted++;
            outcome = "accepted";
        }
        else if (target.IsDocumentedFailure(thrown))
        {
            rejected++;
            outcome = "rejected: " + Shape(thrown.Message);
        }
        else
        {
            outcome = Signature(thrown);
            Record(FindingKind.Crash, outcome, thrown.ToString(), input);
        }

        if (outcomes.Add(outcome) && !isSeed && corpus.Count < options.MaxCorpus)
        {
            corpus.Add(input);
        }

        return true;
    }

    private Exception? RunCatching(byte[] input)
    {
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void Record(FindingKind kind, string signature, string details, byte[] input)
    {
        if (!signatures.Add(signature))
        {
            return;
        }

        string? savedAs = null;
        if (findingsDirectory is not null)
        {
            string prefix = kind switch { FindingKind.Hang => "hang", FindingKind.ProcessDied => "died", _ => "crash" };
            savedAs = Path.Combine(findingsDirectory, $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin");
            File.WriteAllBytes(savedAs, input);
            File.WriteAllText(Path.ChangeExtension(savedAs, ".txt"), $"{target.Name}: {signature}{Environment.NewLine}{details}{Environment.NewLine}");
        }

        findings.Add(new Finding(kind, signature, details, input, savedAs));
    }

    // An in-flight input left by an earlier run means that process died on it.
    private void CollectEarlierDeath()
    {
        string inFlight = Path.Combine(findingsDirectory!, InFlightFile);
        if (File.Exists(inFlight))
        {
            Record(FindingKind.ProcessDied, "process died", "An earlier run's process died while running this input (see its console or core dump).", File.ReadAllBytes(inFlight));
            File.Delete(inFlight);
        }
    }

    // Exception type and the product method it came through: one crash however many inputs reach
    // it, and however the libraries below (ONNX Runtime, System.Text.Json) inline their frames.
    private static string Signature(Exception e)
    {
        StackFrame[] frames = new StackTrace(e).GetFrames();
        System.Reflection.MethodBase? method = frames.Select(f => f.GetMethod()).FirstOrDefault(IsProductCode) ?? frames.FirstOrDefault()?.GetMethod();
        return $"{e.GetType().FullName} in {method?.DeclaringType?.FullName}.{method?.Name}";
    }

    private static bool IsProductCode(System.Reflection.MethodBase? method) =>
        method?.DeclaringType?.FullName is string type
        && type.StartsWith("LeNetOnnx.", StringComparison.Ordinal)
        && !type.StartsWith("LeNetOnnx.Fuzz.", StringComparison.Ordinal);

    // A rejection message without its numbers and quoted names: the branch that rejected, not the input.
    private static string Shape(string message)
    {
        string shape = Numbers().Replace(Quoted().Replace(message, "'…'"), "#");
        return shape.Length <= 120 ? shape : shape[..120];
    }

    [GeneratedRegex(@"[0-9][0-9,.]*")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();
}
