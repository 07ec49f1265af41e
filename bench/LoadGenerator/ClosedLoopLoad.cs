using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LeNetOnnx.LoadGenerator;

/// <summary>
/// Drives <c>POST /v1/classify</c> with a closed loop: each of <see cref="LoadOptions.Connections"/>
/// connections sends one image, waits for the whole answer (or the request timeout), checks it and
/// sends the next at once, until <see cref="LoadOptions.Duration"/> has passed. The offered load
/// is thus "as fast as the server answers" per connection; a server past its capacity shows it in
/// latency, 503s or timeouts. A 503 is retried at once with the next image, as the most
/// impatient client would, or after its <c>Retry-After</c> with <see cref="LoadOptions.HonorRetryAfter"/>.
/// </summary>
/// <example>
/// <code>
/// ImagePool images = ImagePool.Load("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", "models/lenet-classic.onnx", 1000);
/// LoadReport report = await ClosedLoopLoad.RunAsync(new LoadOptions { Server = new Uri("http://127.0.0.1:5000"), Connections = 64 }, images);
/// Console.WriteLine(report);
/// </code>
/// </example>
public static class ClosedLoopLoad
{
    private const string Route = "/v1/classify";
    private const int MaxExamples = 5;

    /// <summary>Runs the load and reports what it measured; stops early (reporting what it has) when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="ArgumentException">An option is out of range or the server is not a loopback address.</exception>
    public static async Task<LoadReport> RunAsync(LoadOptions options, ImagePool images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(images);
        options.Validate();
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = options.Connections,
            ConnectTimeout = options.RequestTimeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        using var client = new HttpClient(handler) { BaseAddress = options.Server, Timeout = Timeout.InfiniteTimeSpan };
        RssSampler? rss = options.ServerPid is int pid ? new RssSampler(pid, options.RssInterval) : null;
        var tally = new Tally((int)Math.Ceiling(options.Duration.TotalSeconds) + 1);
        long started = Stopwatch.GetTimestamp();
        long deadline = started + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(connection =>
                Task.Run(() => ConnectionAsync(client, connection, options, images, tally, started, deadline, cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            if (rss is not null)
            {
                await rss.DisposeAsync().ConfigureAwait(false);
            }
        }

        return tally.Report(options, Stopwatch.GetElapsedTime(started), rss?.Samples ?? []);
    }

    private static async Task ConnectionAsync(HttpClient client, int connection, LoadOptions options, ImagePool images, Tally tally, long started, long deadline, CancellationToken cancellationToken)
    {
        var latencies = new List<long>();
        int image = (int)((long)connection * images.Bodies.Count / options.Connections);
        while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            image = (image + 1) % images.Bodies.Count;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            using var content = new ByteArrayContent(images.Bodies[image]);
            content.Headers.ContentType = new MediaTypeHeaderValue(images.ContentType);
            long sent = Stopwatch.GetTimestamp();
            try
            {
                using HttpResponseMessage response = await client.PostAsync(Route, content, timeout.Token).ConfigureAwait(false);
                byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                long finished = Stopwatch.GetTimestamp();
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        latencies.Add(finished - sent);
                        int? label = LabelOf(body);
                        tally.Ok(Stopwatch.GetElapsedTime(started, finished), label == images.Labels[image], $"200 for image {image} (expected label {images.Labels[image]}): {Encoding.UTF8.GetString(body)}");
                        break;
                    case HttpStatusCode.ServiceUnavailable:
                        tally.Overloaded(response.Headers.RetryAfter is not null);
                        if (options.HonorRetryAfter && response.Headers.RetryAfter?.Delta is TimeSpan retryAfter)
                        {
                            // Not past the end of the run: waiting is not a request.
                            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                            await Task.Delay(retryAfter < left ? retryAfter : left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    default:
                        tally.Other((int)response.StatusCode, Encoding.UTF8.GetString(body));
                        break;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                tally.Timeout();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException e)
            {
                tally.Error(e.Message);
            }
        }

        tally.AddLatencies(latencies);
    }

    /// <summary>The <c>index</c> of a single-image answer, <c>{"label": ..., "index": N, ...}</c>; null when absent or unreadable.</summary>
    private static int? LabelOf(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("index"u8))
                {
                    return reader.Read() && reader.TryGetInt32(out int index) ? index : null;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>The counts of a run, added to from every connection.</summary>
    private sealed class Tally(int seconds)
    {
        private readonly long[] okPerSecond = new long[seconds];
        private readonly ConcurrentDictionary<int, long> otherStatuses = new();
        private readonly ConcurrentQueue<string> examples = new();
        private readonly List<long> latencies = [];
        private long ok;
        private long wrongLabels;
        private long overloaded;
        private long withoutRetryAfter;
        private long timeouts;
        private long errors;

        public void Ok(TimeSpan at, bool rightLabel, string example)
        {
            Interlocked.Increment(ref ok);
            Interlocked.Increment(ref okPerSecond[Math.Min((int)at.TotalSeconds, okPerSecond.Length - 1)]);
            if (!rightLabel)
            {
                Interlocked.Increment(ref wrongLabels);
                Example(example);
            }
        }

        public void Overloaded(bool hasRetryAfter)
        {
            Interlocked.Increment(ref overloaded);
            if (!hasRetryAfter)
            {
                Interlocked.Increment(ref withoutRetryAfter);
            }
        }

        public void Other(int status, string body)
        {
            otherStatuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Example($"{status}: {body}");
        }

        public void Timeout() => Interlocked.Increment(ref timeouts);

        public void Error(string message)
        {
            Interlocked.Increment(ref errors);
            Example($"no answer: {message}");
        }

        public void AddLatencies(List<long> some)
        {
            lock (latencies)
            {
                latencies.AddRange(some);
            }
        }

        public LoadReport Report(LoadOptions options, TimeSpan elapsed, IReadOnlyList<RssSample> rss) => new()
        {
            Options = options,
            Elapsed = elapsed,
            Ok = ok,
            WrongLabels = wrongLabels,
            Overloaded = overloaded,
            OverloadedWithoutRetryAfter = withoutRetryAfter,
            OtherStatuses = otherStatuses.ToDictionary(),
            Examples = [.. examples],
            Timeouts = timeouts,
            Errors = errors,
            OkLatency = LatencySummary.Of(latencies),
            OkPerSecondTimeline = okPerSecond,
            Rss = rss,
        };

        private void Example(string example)
        {
            if (examples.Count < MaxExamples)
            {
                examples.Enqueue(example.Length > 300 ? example[..300] + "…" : example);
            }
        }
    }
}
