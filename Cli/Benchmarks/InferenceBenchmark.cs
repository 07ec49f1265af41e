using System.Diagnostics;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>Batch throughput: images per second at one batch size.</summary>
internal sealed record ThroughputResult(int Batch, long Images, double Seconds)
{
    public double ImagesPerSecond => Images / Seconds;
}

/// <summary>Single-image latency and managed allocation per call.</summary>
internal sealed record LatencyResult(int Calls, double P50Microseconds, double P99Microseconds, double AllocatedBytesPerCall);

/// <summary>
/// The Runtime library's speed on real test images (raw pixels, as a product has them), through its public span API: batches of a
/// fixed size back to back, and single images one call at a time.
/// </summary>
internal sealed class InferenceBenchmark(LeNetClassifier classifier, ImageDataSet images)
{
    /// <summary>Classifies the test set in batches of <paramref name="batch"/>, round after round, for about <paramref name="duration"/>.</summary>
    public ThroughputResult Throughput(int batch, TimeSpan duration)
    {
        int batches = images.Count / batch;
        if (batches == 0)
        {
            throw new UsageException($"--batch {batch} is larger than the {images.Count} test images.");
        }

        float[] logits = new float[batch * LeNetClassifier.ClassCount];
        float[] probabilities = new float[batch * LeNetClassifier.ClassCount];
        ReadOnlySpan<byte> all = images.Images.Span;
        int stride = batch * LeNetClassifier.PixelsPerImage;
        for (int b = 0; b < Math.Min(batches, 4); b++)
        {
            classifier.Classify(all.Slice(b * stride, stride), logits, probabilities);
        }

        long done = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int b = 0; b < batches; b++)
            {
                classifier.Classify(all.Slice(b * stride, stride), logits, probabilities);
            }

            done += (long)batches * batch;
        }

        return new ThroughputResult(batch, done, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Classifies single images one after another for about <paramref name="duration"/>, timing each call.</summary>
    public LatencyResult SingleImage(TimeSpan duration)
    {
        var call = new SingleImageCall(classifier, images);
        for (int i = 0; i < 1000; i++)
        {
            call.Invoke(i);
        }

        return CallTimer.Time(ref call, duration);
    }

    /// <summary>Classifies test image number <c>call</c> (cycling through the set) into result buffers made once.</summary>
    private readonly struct SingleImageCall(LeNetClassifier classifier, ImageDataSet images) : ITimedCall
    {
        private readonly float[] logits = new float[LeNetClassifier.ClassCount];
        private readonly float[] probabilities = new float[LeNetClassifier.ClassCount];

        public void Invoke(int call) =>
            classifier.Classify(images.Images.Span.Slice(call % images.Count * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage), logits, probabilities);
    }
}
