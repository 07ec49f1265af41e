using System.Globalization;
using System.Text;

namespace LeNetOnnx.LoadGenerator;

/// <summary>What one load run measured.</summary>
public sealed record LoadReport
{
    /// <summary>The options of the run.</summary>
    public required LoadOptions Options { get; init; }

    /// <summary>From the first request started to the last one finished.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Requests finished, whatever their outcome.</summary>
    public long Requests => Ok + Overloaded + OtherStatuses.Values.Sum() + Timeouts + Errors;

    /// <summary>200 answers.</summary>
    public required long Ok { get; init; }

    /// <summary>200 answers whose label is not the expected label of their image.</summary>
    public required long WrongLabels { get; init; }

    /// <summary>503 answers.</summary>
    public required long Overloaded { get; init; }

    /// <summary>503 answers without a <c>Retry-After</c> header.</summary>
    public required long OverloadedWithoutRetryAfter { get; init; }

    /// <summary>Answers with any other status, by status.</summary>
    public required IReadOnlyDictionary<int, long> OtherStatuses { get; init; }

    /// <summary>The first few answers with another status, or 200s with a wrong or unreadable label: status and body.</summary>
    public required IReadOnlyList<string> Examples { get; init; }

    /// <summary>Requests that got no complete answer within <see cref="LoadOptions.RequestTimeout"/>.</summary>
    public required long Timeouts { get; init; }

    /// <summary>Requests that failed without an answer (connection refused or reset).</summary>
    public required long Errors { get; init; }

    /// <summary>Latency of the 200 answers, request sent to body read.</summary>
    public required LatencySummary OkLatency { get; init; }

    /// <summary>200 answers finished in each second of the run.</summary>
    public required IReadOnlyList<long> OkPerSecondTimeline { get; init; }

    /// <summary>The server's resident set size over the run; empty without <see cref="LoadOptions.ServerPid"/>.</summary>
    public required IReadOnlyList<RssSample> Rss { get; init; }

    /// <summary>Requests finished per second.</summary>
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>200 answers per second.</summary>
    public double OkPerSecond => Ok / Elapsed.TotalSeconds;

    /// <summary>503 answers as a share of all requests, 0 to 1.</summary>
    public double OverloadedShare => Requests == 0 ? 0 : (double)Overloaded / Requests;

    /// <summary>The first resident set size sampled at or after <paramref name="at"/>, else the last one; null without samples.</summary>
    public long? RssAt(TimeSpan at) => Rss.Count == 0 ? null : Rss.FirstOrDefault(s => s.At >= at, Rss[^1]).Bytes;

    /// <summary>The run in a few lines, for a terminal or a test log.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{Options.Connections} connections, closed loop{(Options.HonorRetryAfter ? " honouring Retry-After" : "")}, {Elapsed.TotalSeconds:0.0} s, {Options.Server}");
        text.AppendLine(c, $"requests {Requests:N0} ({RequestsPerSecond:N0}/s): 200 {Ok:N0} ({OkPerSecond:N0}/s), 503 {Overloaded:N0} ({OverloadedShare:P1}), other {OtherStatuses.Values.Sum():N0}{Others()}, timeouts {Timeouts:N0}, errors {Errors:N0}");
        text.AppendLine(c, $"wrong labels {WrongLabels:N0} of {Ok:N0}; 503 without Retry-After {OverloadedWithoutRetryAfter:N0}");
        text.AppendLine(c, $"latency of 200s: p50 {Ms(OkLatency.P50)}, p90 {Ms(OkLatency.P90)}, p99 {Ms(OkLatency.P99)}, max {Ms(OkLatency.Max)}");
        text.AppendLine(c, $"200s per second: {string.Join(' ', OkPerSecondTimeline.Select(n => n.ToString(c)))}");
        if (Rss.Count > 0)
        {
            text.AppendLine(c, $"server RSS: start {MiB(Rss[0].Bytes)}, after warm-up ({Options.WarmUp.TotalSeconds:0.#} s) {MiB(RssAt(Options.WarmUp) ?? 0)}, end {MiB(Rss[^1].Bytes)}, max {MiB(Rss.Max(s => s.Bytes))} ({Rss.Count} samples)");
        }

        foreach (string example in Examples)
        {
            text.AppendLine(c, $"example: {example}");
        }

        return text.ToString().TrimEnd();
    }

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.0} ms");

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB");

    private string Others() => OtherStatuses.Count == 0 ? "" : " (" + string.Join(", ", OtherStatuses.OrderBy(s => s.Key).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}: {s.Value:N0}"))) + ")";
}
