using System.Diagnostics;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>Many single-image callers at once: completed requests per second and their latency.</summary>
internal sealed record ConcurrentResult(int Callers, long Requests, double Seconds, double P50Microseconds, double P99Microseconds)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>
/// Closed-loop callers through the <see cref="BatchingClassifier"/>: each of N callers sends one
/// test image, awaits its answer and sends the next, for a fixed time. This is the server-side
/// pattern (many requests of one image each) the batching front exists for.
/// </summary>
internal sealed class ConcurrentCallersBenchmark(LeNetClassifier classifier, ImageDataSet images, BatchingOptions options)
{
    public async Task<ConcurrentResult> RunAsync(int callers, TimeSpan duration)
    {
        await using var batching = new BatchingClassifier(classifier, options);
        using var warmUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(() => Caller(batching, c, null, warmUp.Token))));

        var sample = new LatencySample(8_000_000);
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        long[] counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(() => Caller(batching, c, sample, stop.Token))));
        double seconds = clock.Elapsed.TotalSeconds;
        return new ConcurrentResult(callers, counts.Sum(), seconds, sample.PercentileMicroseconds(50), sample.PercentileMicroseconds(99));
    }

    private async Task<long> Caller(BatchingClassifier batching, int caller, LatencySample? sample, CancellationToken stop)
    {
        long done = 0;
        int index = caller * 97;
        while (!stop.IsCancellationRequested)
        {
            ReadOnlyMemory<byte> image = images.Images.Slice(index % images.Count * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
            long started = Stopwatch.GetTimestamp();
            await batching.ClassifyAsync(image, CancellationToken.None).ConfigureAwait(false);
            sample?.Add(Stopwatch.GetTimestamp() - started);
            done++;
            index += 7;
        }

        return done;
    }
}
