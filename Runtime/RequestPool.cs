using System.Collections.Concurrent;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Free <see cref="BatchRequest"/>s of one <see cref="BatchingClassifier"/>. Keeps at most
/// <c>capacity</c> of them (each holds a 3 KB image buffer); beyond that, released requests are
/// left to the garbage collector.
/// </summary>
internal sealed class RequestPool(int capacity)
{
    private readonly ConcurrentQueue<BatchRequest> free = new();
    private int count;

    public BatchRequest Rent()
    {
        if (free.TryDequeue(out BatchRequest? request))
        {
            Interlocked.Decrement(ref count);
            return request;
        }

        return new BatchRequest(this);
    }

    public void Return(BatchRequest request)
    {
        if (Interlocked.Increment(ref count) <= capacity)
        {
            free.Enqueue(request);
        }
        else
        {
            Interlocked.Decrement(ref count);
        }
    }
}
