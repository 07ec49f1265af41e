namespace LeNetOnnx.Runtime;

/// <summary>How a <see cref="BatchingClassifier"/> groups single-image requests into batches.</summary>
/// <example><c>var options = new BatchingOptions { MaxBatchSize = 64, MaxDelay = TimeSpan.FromMilliseconds(2), QueueCapacity = 256 };</c></example>
public sealed record BatchingOptions
{
    /// <summary>The largest <see cref="MaxBatchSize"/> accepted: 4096.</summary>
    public const int LargestMaxBatchSize = 4096;

    /// <summary>The longest <see cref="MaxDelay"/> accepted: one second.</summary>
    public static readonly TimeSpan LongestMaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most images run together, 1 to <see cref="LargestMaxBatchSize"/>. Default 32: past a few
    /// dozen LeNet-5 images a larger batch barely lowers the cost per image but raises the latency
    /// of all of them, and with many callers a smaller cap lets one batch gather while another runs.
    /// </summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// How long the first request of a batch may wait for more to join it, counted from when it
    /// was accepted, from zero to <see cref="LongestMaxDelay"/>; the batch runs as soon as it is full.
    /// Default 0: the worker runs whatever is queued the moment it is free, so batches grow with
    /// the load on their own (requests queue while a batch runs) and a caller is never held back
    /// for others that may not come. A delay pays only when many callers arrive in bursts: every
    /// batch that does not fill waits the whole delay. The worker waits in whole milliseconds,
    /// ending to the nearest one, so a delay under half a millisecond gathers only what is already
    /// queued; waits are also only as precise as the operating system's timer (about 1 ms on
    /// Linux, up to 15 ms on Windows).
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The most requests pending (see <see cref="BatchingClassifier.PendingCount"/>); one more is
    /// refused with <see cref="BatchingQueueFullException"/> at once. At least 1. Default 1024.
    /// </summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    internal void Validate()
    {
        if (MaxBatchSize is < 1 or > LargestMaxBatchSize)
        {
            Throw.OptionOutOfRange(nameof(BatchingOptions), nameof(MaxBatchSize), MaxBatchSize, $"1 to {LargestMaxBatchSize} images");
        }

        if (MaxDelay < TimeSpan.Zero || MaxDelay > LongestMaxDelay)
        {
            Throw.OptionOutOfRange(nameof(BatchingOptions), nameof(MaxDelay), MaxDelay, "0 to 1 second (00:00:00 to 00:00:01)");
        }

        if (QueueCapacity < 1)
        {
            Throw.OptionOutOfRange(nameof(BatchingOptions), nameof(QueueCapacity), QueueCapacity, "a positive request count");
        }
    }
}
