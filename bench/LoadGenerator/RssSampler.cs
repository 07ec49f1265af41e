using System.Diagnostics;
using System.Globalization;

namespace LeNetOnnx.LoadGenerator;

/// <summary>
/// Samples a process's resident set size (<c>VmRSS</c> in <c>/proc/PID/status</c>, Linux) at a
/// fixed interval while it runs, on a timer of its own.
/// </summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly string statusPath;
    private readonly List<RssSample> samples = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly long started = Stopwatch.GetTimestamp();

    /// <summary>Starts sampling process <paramref name="pid"/> now and then every <paramref name="interval"/>.</summary>
    /// <exception cref="IOException">The process does not exist or has no <c>/proc</c> status (not Linux).</exception>
    public RssSampler(int pid, TimeSpan interval)
    {
        statusPath = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status";
        Record(ReadRss(statusPath) ?? throw new IOException($"{statusPath} has no VmRSS line: is process {pid} alive, and is this Linux?"));
        sampling = SampleAsync(interval);
    }

    /// <summary>The samples so far, oldest first.</summary>
    public IReadOnlyList<RssSample> Samples
    {
        get
        {
            lock (samples)
            {
                return [.. samples];
            }
        }
    }

    /// <summary>Reads the resident set size of a process now, in bytes; null when it cannot be read (the process ended).</summary>
    public static long? ReadRss(int pid) => ReadRss($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");

    /// <summary>Stops sampling after one last sample.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        if (ReadRss(statusPath) is long rss)
        {
            Record(rss);
        }

        stop.Dispose();
    }

    private static long? ReadRss(string statusPath)
    {
        try
        {
            foreach (string line in File.ReadLines(statusPath))
            {
                // "VmRSS:	  123456 kB"
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    string kilobytes = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private async Task SampleAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                if (ReadRss(statusPath) is long rss)
                {
                    Record(rss);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Record(long rss)
    {
        lock (samples)
        {
            samples.Add(new RssSample(Stopwatch.GetElapsedTime(started), rss));
        }
    }
}

/// <summary>One reading of a process's resident set size.</summary>
/// <param name="At">Time since sampling started.</param>
/// <param name="Bytes">The resident set size in bytes.</param>
public readonly record struct RssSample(TimeSpan At, long Bytes);
