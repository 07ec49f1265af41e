using System.Globalization;
using LeNetOnnx.Fuzz;
using LeNetOnnx.Fuzz.Running;
using Microsoft.ML.OnnxRuntime;

// dotnet run --project fuzz/LeNetOnnx.Fuzz -c Release -- run [--targets a,b] [--seconds 60] [--seed N] [--timeout 10] [--findings DIR]
// dotnet run --project fuzz/LeNetOnnx.Fuzz -c Release -- replay TARGET FILE...
// fuzz/afl.sh TARGET [SECONDS]   (AFL++ over SharpFuzz-instrumented assemblies: the "seeds" and "afl" commands)
const string Usage = """
    usage: LeNetOnnx.Fuzz run [--targets NAME,NAME] [--seconds S per target] [--seed N] [--timeout S per input] [--findings DIR]
           LeNetOnnx.Fuzz replay TARGET FILE...
           LeNetOnnx.Fuzz list
           LeNetOnnx.Fuzz seeds TARGET DIR      (writes the seed corpus, for afl-fuzz -i DIR)
           LeNetOnnx.Fuzz afl TARGET            (runs the inputs afl-fuzz gives; see fuzz/afl.sh)
    """;

// Mutated models make ONNX Runtime log a warning or error per input; the summary is what counts.
var environment = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "fuzz" };
OrtEnv.CreateInstanceWithOptions(ref environment);

try
{
    return args switch
    {
        ["list"] => List(),
        ["run", .. var rest] => Run(rest),
        ["replay", string target, .. var files] when files.Length > 0 => Replay(target, files),
        ["seeds", string target, string directory] => WriteSeeds(target, directory),
        ["afl", string target] => Afl(target),
        _ => Fail(Usage),
    };
}
catch (ArgumentException e)
{
    return Fail(e.Message + Environment.NewLine + Usage);
}

static int List()
{
    Console.WriteLine(string.Join(Environment.NewLine, FuzzTargets.Names));
    return 0;
}

static int Run(string[] args)
{
    IReadOnlyList<string> targets = FuzzTargets.Names;
    var options = new FuzzOptions { FindingsDirectory = "fuzz-findings" };
    for (int i = 0; i < args.Length; i += 2)
    {
        string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--targets":
                targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                break;
            case "--seconds":
                options = options with { Duration = TimeSpan.FromSeconds(Number(args[i], value)) };
                break;
            case "--seed":
                options = options with { Seed = (int)Number(args[i], value) };
                break;
            case "--timeout":
                options = options with { InputTimeout = TimeSpan.FromSeconds(Number(args[i], value)) };
                break;
            case "--findings":
                options = options with { FindingsDirectory = value };
                break;
            default:
                throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }

    var seeds = new SeedCorpus(SeedCorpus.FindCommittedModel(AppContext.BaseDirectory));
    Console.WriteLine($"seed {options.Seed}, {options.Duration.TotalSeconds:F0} s per target, {options.InputTimeout.TotalSeconds:F0} s per input, findings in {Path.GetFullPath(options.FindingsDirectory!)}");
    var summaries = new List<FuzzSummary>();
    foreach (string name in targets)
    {
        using IFuzzTarget target = FuzzTargets.Create(name, seeds);
        FuzzSummary summary = new FuzzRunner(target, options).Run();
        summaries.Add(summary);
        Console.WriteLine(summary);
        foreach (Finding finding in summary.Findings)
        {
            Console.WriteLine($"  {finding.Kind}: {finding.Signature} -> {finding.SavedAs}");
        }
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"total: {summaries.Sum(s => s.Executions):N0} execs, crashes: {summaries.Sum(s => s.Crashes)}, hangs: {summaries.Sum(s => s.Hangs)}"));
    return summaries.All(s => s.Findings.Count == 0) ? 0 : 1;
}

static int Replay(string name, string[] files)
{
    var seeds = new SeedCorpus(SeedCorpus.FindCommittedModel(AppContext.BaseDirectory));
    using IFuzzTarget target = FuzzTargets.Create(name, seeds);
    int crashes = 0;
    foreach (string file in files)
    {
        Exception? crash = FuzzRunner.RunOne(target, File.ReadAllBytes(file));
        Console.WriteLine(crash is null ? $"{file}: ok" : $"{file}: CRASH{Environment.NewLine}{crash}");
        crashes += crash is null ? 0 : 1;
    }

    return crashes == 0 ? 0 : 1;
}

static int WriteSeeds(string name, string directory)
{
    using IFuzzTarget target = FuzzTargets.Create(name, new SeedCorpus(SeedCorpus.FindCommittedModel(AppContext.BaseDirectory)));
    Directory.CreateDirectory(directory);
    for (int i = 0; i < target.Seeds.Count; i++)
    {
        File.WriteAllBytes(Path.Combine(directory, $"seed-{i}.bin"), target.Seeds[i]);
    }

    Console.WriteLine($"{target.Seeds.Count} seeds of {name} in {Path.GetFullPath(directory)}");
    return 0;
}

// Under afl-fuzz: SharpFuzz reads each input from AFL's shared memory; a documented failure is a
// normal end, anything else escapes and AFL records a crash.
static int Afl(string name)
{
    using IFuzzTarget target = FuzzTargets.Create(name, new SeedCorpus(SeedCorpus.FindCommittedModel(AppContext.BaseDirectory)));
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        try
        {
            target.Run(buffer.ToArray());
        }
        catch (Exception e) when (target.IsDocumentedFailure(e))
        {
        }
    });
    return 0;
}

static double Number(string option, string value) =>
    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number > 0
        ? number
        : throw new ArgumentException($"{option} takes a positive number; got '{value}'.");

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
