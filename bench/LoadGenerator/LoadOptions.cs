using System.Globalization;
using System.Net;

namespace LeNetOnnx.LoadGenerator;

/// <summary>One closed-loop load run against <c>lenet serve</c>.</summary>
/// <example><c>new LoadOptions { Server = new Uri("http://127.0.0.1:5000"), Connections = 256, Duration = TimeSpan.FromSeconds(30) }</c></example>
public sealed record LoadOptions
{
    /// <summary>The server's base address, <c>http://HOST:PORT</c>; the host must be a loopback address.</summary>
    public required Uri Server { get; init; }

    /// <summary>Connections, each with exactly one request in flight at a time (closed loop). Default 64.</summary>
    public int Connections { get; init; } = 64;

    /// <summary>How long new requests are started; the ones in flight then still finish. Default 30 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may take, answer body included, before it counts as a timeout. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether a connection that gets a 503 waits for its <c>Retry-After</c> before its next
    /// request, as a polite client does. Default false: it retries at once, the harshest load.
    /// </summary>
    public bool HonorRetryAfter { get; init; }

    /// <summary>The server's process id, to sample its resident set size; null for none.</summary>
    public int? ServerPid { get; init; }

    /// <summary>How often the server's resident set size is read. Default 0.5 s.</summary>
    public TimeSpan RssInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>When the report's "after warm-up" resident set size is taken, from the start of the run. Default 5 s.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Server.Scheme != Uri.UriSchemeHttp || Server.AbsolutePath != "/")
        {
            throw new ArgumentException($"The server address '{Server}' is not http://HOST:PORT.", nameof(Server));
        }

        // A load generator aimed at another machine is a denial-of-service tool; this one stays home.
        if (!Server.IsLoopback && !(IPAddress.TryParse(Server.Host, out IPAddress? address) && IPAddress.IsLoopback(address)))
        {
            throw new ArgumentException($"The server address '{Server}' is not a loopback address; this load generator only targets 127.0.0.0/8, [::1] or localhost.", nameof(Server));
        }

        Check(Connections is >= 1 and <= 4096, nameof(Connections), Connections, "1 to 4096");
        Check(Duration > TimeSpan.Zero && Duration <= TimeSpan.FromHours(1), nameof(Duration), Duration, "more than 0 and at most an hour");
        Check(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), RequestTimeout, "more than 0");
        Check(RssInterval >= TimeSpan.FromMilliseconds(10), nameof(RssInterval), RssInterval, "at least 10 ms");
        Check(WarmUp >= TimeSpan.Zero, nameof(WarmUp), WarmUp, "0 or more");
    }

    private static void Check(bool ok, string option, object value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} is {value}; expected {expected}."), option);
        }
    }
}
