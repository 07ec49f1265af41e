using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LeNetOnnx.Runtime;

/// <summary>The instruments of one <see cref="LeNetClassifier"/>, on a meter it owns.</summary>
internal sealed class ClassifierMetrics : IDisposable
{
    /// <summary>Bucket bounds for run durations in milliseconds: a LeNet-5 image takes well under one.</summary>
    internal static readonly double[] DurationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];

    private readonly Counter<long> classifiedImages;
    private readonly Histogram<double> inferenceDuration;

    public ClassifierMetrics()
    {
        Meter = new Meter(RuntimeMetrics.MeterName);
        classifiedImages = Meter.CreateCounter<long>(
            RuntimeMetrics.ClassifiedImages, "{image}", "Images classified.");
        inferenceDuration = Meter.CreateHistogram(
            RuntimeMetrics.InferenceDuration,
            "ms",
            "Time of one ONNX Runtime run of a classify call.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Meter Meter { get; }

    /// <summary>Records a successful run of <paramref name="batch"/> images that began at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Ran(int batch, long startedAt)
    {
        classifiedImages.Add(batch);
        if (inferenceDuration.Enabled)
        {
            inferenceDuration.Record(
                Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds,
                new KeyValuePair<string, object?>(RuntimeMetrics.BatchSizeTag, Bucket(batch)));
        }
    }

    public void Dispose() => Meter.Dispose();

    // Few, fixed strings: a tag per exact size would split the histogram into thousands of series.
    private static string Bucket(int batch) => batch switch
    {
        1 => "1",
        <= 4 => "2-4",
        <= 16 => "5-16",
        <= 64 => "17-64",
        <= 256 => "65-256",
        _ => "257+",
    };
}
