using System.Globalization;

namespace LeNetOnnx.Fuzz.Running;

/// <summary>What one target's run did and found.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Executions">Inputs run to the end (seeds included; a hung input is not counted).</param>
/// <param name="Accepted">Inputs the target accepted.</param>
/// <param name="Rejected">Inputs the target rejected with its documented exception.</param>
/// <param name="Outcomes">Distinct outcomes seen (acceptance, each shape of rejection message, each crash).</param>
/// <param name="CorpusSize">Inputs in the corpus at the end.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Findings">Unique crashes, hangs and process deaths.</param>
public sealed record FuzzSummary(
    string Target,
    long Executions,
    long Accepted,
    long Rejected,
    int Outcomes,
    int CorpusSize,
    TimeSpan Elapsed,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>Unique crashes (undocumented exceptions and process deaths).</summary>
    public int Crashes => Findings.Count(f => f.Kind != FindingKind.Hang);

    /// <summary>Hangs.</summary>
    public int Hangs => Findings.Count(f => f.Kind == FindingKind.Hang);

    /// <summary>Executions per second of wall time.</summary>
    public double ExecutionsPerSecond => Elapsed > TimeSpan.Zero ? Executions / Elapsed.TotalSeconds : 0;

    /// <summary>One line, e.g. <c>checkpoint: 52,310 execs in 120 s (435.9/s), 12 accepted, ... crashes: 0, hangs: 0</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Target}: {Executions:N0} execs in {Elapsed.TotalSeconds:F0} s ({ExecutionsPerSecond:F1}/s), {Accepted:N0} accepted, {Rejected:N0} rejected, {Outcomes} outcomes, corpus {CorpusSize}, crashes: {Crashes}, hangs: {Hangs}");
}
