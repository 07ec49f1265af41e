using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LeNetOnnx.Runtime;

/// <summary>The instruments of one <see cref="BatchingClassifier"/>, on a meter it owns.</summary>
internal sealed class BatchingMetrics : IDisposable
{
    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private readonly Counter<long> rejected;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> queueWait;

    /// <param name="pending">Reads the pending count for the gauge.</param>
    public BatchingMetrics(Func<int> pending)
    {
        Meter = new Meter(RuntimeMetrics.MeterName);
        rejected = Meter.CreateCounter<long>(
            RuntimeMetrics.BatchingRejected, "{request}", "Requests refused because the batching queue was full.");
        batchSize = Meter.CreateHistogram(
            RuntimeMetrics.BatchingBatchSize,
            "{image}",
            "Images in each batch run.",
            tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        queueWait = Meter.CreateHistogram(
            RuntimeMetrics.BatchingQueueWait,
            "ms",
            "Time from accepting a request to starting its batch.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = ClassifierMetrics.DurationBuckets });
        Meter.CreateObservableGauge(
            RuntimeMetrics.BatchingPending, pending, "{request}", "Requests accepted and not yet answered.");
    }

    public Meter Meter { get; }

    public void Rejected() => rejected.Add(1);

    /// <summary>Records a batch starting at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void BatchStarted(ReadOnlySpan<BatchRequest> batch, long startedAt)
    {
        batchSize.Record(batch.Length);
        if (queueWait.Enabled)
        {
            foreach (BatchRequest request in batch)
            {
                queueWait.Record(Stopwatch.GetElapsedTime(request.AcceptedAt, startedAt).TotalMilliseconds);
            }
        }
    }

    public void Dispose() => Meter.Dispose();
}
