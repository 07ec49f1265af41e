using System.Globalization;

namespace LeNetOnnx.Cli.Tests.CrashConsistency;

/// <summary>When a training process is to be killed.</summary>
internal enum KillMoment
{
    /// <summary>After a random delay from its start.</summary>
    AtRandom,

    /// <summary>The moment the temporary file of the N-th checkpoint write of this process appears.</summary>
    CheckpointWrite,

    /// <summary>The moment the temporary file of the N-th metrics.jsonl write appears.</summary>
    MetricsWrite,

    /// <summary>The moment the temporary file of one export file (model, card, reference, plot) appears.</summary>
    ExportWrite,
}

/// <summary>One process's kill, drawn from the test's seeded random source.</summary>
internal sealed record KillPlan(KillMoment Moment, TimeSpan Delay, string? Target, int Ordinal)
{
    private static readonly string[] ExportFiles = [RunFiles.ModelName, "m.reference.json", "m.md", "curves.png", "confusion.png", "predictions.png"];

    /// <summary>
    /// A plan. While training (<paramref name="trained"/> false): 4 in 10 at a random time up to
    /// <paramref name="maxDelay"/>, 3 at the first or second checkpoint write, 3 at the first or
    /// second metrics write. Once the checkpoint holds the last epoch (a start goes straight to the export):
    /// 3 in 10 at a random time, the rest as one of the export files' write begins.
    /// </summary>
    public static KillPlan Draw(Random random, TimeSpan maxDelay, bool trained) => (random.Next(10), trained) switch
    {
        (< 4, false) or (< 3, true) => new KillPlan(KillMoment.AtRandom, maxDelay * random.NextDouble(), null, 0),
        (< 7, false) => new KillPlan(KillMoment.CheckpointWrite, TimeSpan.Zero, "checkpoint.lnck", 1 + random.Next(2)),
        (_, false) => new KillPlan(KillMoment.MetricsWrite, TimeSpan.Zero, "metrics.jsonl", 1 + random.Next(2)),
        (_, true) => new KillPlan(KillMoment.ExportWrite, TimeSpan.Zero, ExportFiles[random.Next(ExportFiles.Length)], 1),
    };

    /// <summary>
    /// Whether the temporary file for <paramref name="target"/> (the <paramref name="ordinal"/>-th
    /// this process made) is the moment to kill. Any plan but an export one also kills at the
    /// model's write, so that no process finishes before the test has made all its kills; a random
    /// one also kills at the second checkpoint write, so that however fast the machine, no start
    /// gains more than an epoch and the kills spread over the whole run.
    /// </summary>
    public bool KillsAt(string target, int ordinal) =>
        (target == Target && ordinal == Ordinal)
        || (Moment != KillMoment.ExportWrite && target == RunFiles.ModelName)
        || (Moment == KillMoment.AtRandom && target == "checkpoint.lnck" && ordinal == 2);

    public override string ToString() => Moment switch
    {
        KillMoment.AtRandom => string.Create(CultureInfo.InvariantCulture, $"at random, {Delay.TotalSeconds:F3} s after start"),
        _ => $"when write #{Ordinal} of {Target} begins",
    };
}
