namespace LeNetOnnx.Runtime;

/// <summary>
/// The names of the <see cref="System.Diagnostics.Metrics"/> instruments this library records, for
/// listeners and exporters. Every <see cref="LeNetClassifier"/> and <see cref="BatchingClassifier"/>
/// creates its own <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/> and
/// disposes it with itself, so a listener subscribing by that name sees all of them.
/// </summary>
/// <example>
/// <code>
/// // OpenTelemetry: builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(RuntimeMetrics.MeterName));
/// using var listener = new MeterListener
/// {
///     InstrumentPublished = (instrument, l) =>
///     {
///         if (instrument.Meter.Name == RuntimeMetrics.MeterName) l.EnableMeasurementEvents(instrument);
///     },
/// };
/// listener.SetMeasurementEventCallback&lt;long&gt;((instrument, value, tags, state) => Console.WriteLine($"{instrument.Name} += {value}"));
/// listener.Start();
/// </code>
/// </example>
public static class RuntimeMetrics
{
    /// <summary>The name of every meter of this library: <c>LeNetOnnx.Runtime</c>.</summary>
    public const string MeterName = "LeNetOnnx.Runtime";

    /// <summary>Counter (<c>{image}</c>): images classified by <see cref="LeNetClassifier"/>, whichever overload; failed calls do not count.</summary>
    public const string ClassifiedImages = "lenet.classified_images";

    /// <summary>
    /// Histogram (<c>ms</c>): the time of one ONNX Runtime run of a <see cref="LeNetClassifier"/> call,
    /// tagged <see cref="BatchSizeTag"/> with the bucket of its batch size.
    /// </summary>
    public const string InferenceDuration = "lenet.inference.duration";

    /// <summary>Counter (<c>{request}</c>): <see cref="BatchingClassifier"/> requests refused because the queue was full.</summary>
    public const string BatchingRejected = "lenet.batching.rejected";

    /// <summary>Histogram (<c>{image}</c>): the images in each batch a <see cref="BatchingClassifier"/> runs.</summary>
    public const string BatchingBatchSize = "lenet.batching.batch_size";

    /// <summary>Histogram (<c>ms</c>): how long a <see cref="BatchingClassifier"/> request waited, from being accepted to its batch starting.</summary>
    public const string BatchingQueueWait = "lenet.batching.queue_wait";

    /// <summary>Observable gauge (<c>{request}</c>): <see cref="BatchingClassifier.PendingCount"/>, requests accepted and not yet answered.</summary>
    public const string BatchingPending = "lenet.batching.pending";

    /// <summary>
    /// The tag on <see cref="InferenceDuration"/>: the batch size bucket, one of <c>1</c>, <c>2-4</c>,
    /// <c>5-16</c>, <c>17-64</c>, <c>65-256</c>, <c>257+</c>.
    /// </summary>
    public const string BatchSizeTag = "lenet.batch_size";

    /// <summary>Every instrument name above, in the order listed.</summary>
    public static IReadOnlyList<string> InstrumentNames { get; } =
        [ClassifiedImages, InferenceDuration, BatchingRejected, BatchingBatchSize, BatchingQueueWait, BatchingPending];
}
