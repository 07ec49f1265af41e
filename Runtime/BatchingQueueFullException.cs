using System.Globalization;

namespace LeNetOnnx.Runtime;

/// <summary>
/// A <see cref="BatchingClassifier"/> refused a request because <see cref="BatchingOptions.QueueCapacity"/>
/// requests were already waiting. Nothing was queued; retry later (a server answers 503 or 429).
/// </summary>
public sealed class BatchingQueueFullException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public BatchingQueueFullException()
        : base("The batching queue is full; retry later.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused and why.</param>
    public BatchingQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="innerException">The cause.</param>
    public BatchingQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a queue of <paramref name="capacity"/> requests; the message says the capacity.</summary>
    /// <param name="capacity">The <see cref="BatchingOptions.QueueCapacity"/> that was reached.</param>
    public BatchingQueueFullException(int capacity)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"The batching queue is full: {capacity:N0} requests are already waiting ({nameof(BatchingOptions)}.{nameof(BatchingOptions.QueueCapacity)}). Retry later, or raise the capacity if the machine keeps up with the load."))
    {
        Capacity = capacity;
    }

    /// <summary>The capacity that was reached, or 0 when not given.</summary>
    public int Capacity { get; }
}
