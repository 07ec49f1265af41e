using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Serves many concurrent single-image callers through one <see cref="LeNetClassifier"/> by
/// running their images together: a worker takes the first queued request, waits up to
/// <see cref="BatchingOptions.MaxDelay"/> for more (up to <see cref="BatchingOptions.MaxBatchSize"/>),
/// classifies them in one call and answers each caller. Under load this trades a little latency
/// for far fewer, larger ONNX Runtime runs.
/// </summary>
/// <remarks>
/// <para>
/// Each request's image is validated and copied when it is made, so the caller may reuse its
/// buffer as soon as the call returns. A full queue refuses at once
/// (<see cref="BatchingQueueFullException"/>); nothing ever waits for room. A request cancelled
/// while queued is answered as cancelled and never run; one cancelled while its batch runs is
/// answered as cancelled and its result dropped.
/// </para>
/// <para>
/// The worker is a dedicated background thread running ONNX Runtime synchronously; no caller code
/// runs on it (answers resume their callers on the thread pool). Only <see cref="DisposeAsync"/>
/// stops it. This does not own the classifier: dispose this first, then the classifier. Records the <c>lenet.batching.*</c> instruments of
/// <see cref="RuntimeMetrics"/> on a meter of its own.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using LeNetClassifier classifier = LeNetClassifier.Load("models/lenet-classic.onnx");
/// await using var batching = new BatchingClassifier(classifier, new BatchingOptions { MaxBatchSize = 32 });
///
/// // From any number of concurrent callers, e.g. one per HTTP request:
/// byte[] pixels = File.ReadAllBytes("sneaker.raw");    // 784 raw pixels, row-major
/// try
/// {
///     Prediction prediction = await batching.ClassifyAsync(pixels, cancellationToken);
///     Console.WriteLine(prediction);                    // "7 Sneaker (p = 0.912)"
/// }
/// catch (BatchingQueueFullException)
/// {
///     // Overloaded: answer 503 and let the client retry.
/// }
/// </code>
/// </example>
public sealed partial class BatchingClassifier : IAsyncDisposable
{
    private readonly LeNetClassifier classifier;
    private readonly Runner run;
    private readonly Channel<BatchRequest> queue;
    private readonly RequestPool pool;
    private readonly BatchingMetrics metrics;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int pending;
    private int disposed;

    /// <summary>Starts a batching front over <paramref name="classifier"/>, which it uses but does not own.</summary>
    /// <param name="classifier">The classifier that runs the batches; dispose it after this.</param>
    /// <param name="options">The batch size, delay and queue capacity; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="classifier"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public BatchingClassifier(LeNetClassifier classifier, BatchingOptions? options = null)
        : this(classifier, options, RunnerOf(classifier))
    {
    }

    /// <summary>Starts a batching front whose batches go through <paramref name="run"/>; tests put a gate in it.</summary>
    internal BatchingClassifier(LeNetClassifier classifier, BatchingOptions? options, Runner run)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        options ??= new BatchingOptions();
        options.Validate();
        this.classifier = classifier;
        this.run = run;
        Options = options;
        pool = new RequestPool(Math.Min(options.QueueCapacity, 1024));

        // One reader, the worker. Synchronous continuations only ever wake the worker, never run
        // caller code, and spare a thread-pool hop per wake-up.
        queue = Channel.CreateUnbounded<BatchRequest>(new UnboundedChannelOptions
        {
            SingleReader = true,
            AllowSynchronousContinuations = true,
        });
        metrics = new BatchingMetrics(() => PendingCount);
        var worker = new Thread(Work) { IsBackground = true, Name = "LeNetOnnx batching" };
        worker.Start();
    }

    /// <summary>Runs one batch: N images of pixel/255 in, N x 10 logits and probabilities out.</summary>
    internal delegate void Runner(ReadOnlySpan<float> images, Span<float> logits, Span<float> probabilities);

    /// <summary>The options this instance runs with.</summary>
    public BatchingOptions Options { get; }

    /// <summary>
    /// Requests accepted and not yet answered: queued, or in the batch being gathered or run. A
    /// request cancelled while queued counts until the worker drops it, which it does as soon as
    /// it reaches it. At most <see cref="BatchingOptions.QueueCapacity"/>.
    /// </summary>
    public int PendingCount => Volatile.Read(ref pending);

    /// <summary>The meter of this instance, for tests that listen to one instance only.</summary>
    internal Meter Meter => metrics.Meter;

    /// <summary>Queues one image of raw 0..255 pixels (as in the IDX files) and returns its prediction when its batch has run.</summary>
    /// <param name="image">Exactly <see cref="LeNetClassifier.PixelsPerImage"/> bytes, row-major; copied before this returns.</param>
    /// <param name="cancellationToken">Cancels the request: it completes as cancelled at once and its answer, if any, is dropped.</param>
    /// <returns>The prediction; await it once, as any <see cref="ValueTask{TResult}"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length.</exception>
    /// <exception cref="BatchingQueueFullException"><see cref="BatchingOptions.QueueCapacity"/> requests are pending.</exception>
    /// <exception cref="ObjectDisposedException">This instance is being or has been disposed.</exception>
    /// <exception cref="OperationCanceledException">From the awaited task: <paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask<Prediction> ClassifyAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ReadOnlySpan<byte> pixels = image.Span;
        LeNetClassifier.CheckImage(pixels, nameof(image));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Prediction>(cancellationToken);
        }

        BatchRequest request = Accept();
        PixelScale.Scale(pixels, request.Image);
        return Enqueue(request, cancellationToken);
    }

    /// <summary>Queues one image given as pixel/255 and returns its prediction when its batch has run.</summary>
    /// <param name="image">Exactly <see cref="LeNetClassifier.PixelsPerImage"/> finite values, row-major, pixel/255; copied before this returns.</param>
    /// <param name="cancellationToken">Cancels the request: it completes as cancelled at once and its answer, if any, is dropped.</param>
    /// <returns>The prediction; await it once, as any <see cref="ValueTask{TResult}"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length or a NaN or infinite pixel.</exception>
    /// <exception cref="BatchingQueueFullException"><see cref="BatchingOptions.QueueCapacity"/> requests are pending.</exception>
    /// <exception cref="ObjectDisposedException">This instance is being or has been disposed.</exception>
    /// <exception cref="OperationCanceledException">From the awaited task: <paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask<Prediction> ClassifyAsync(ReadOnlyMemory<float> image, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ReadOnlySpan<float> pixels = image.Span;
        LeNetClassifier.CheckImage(pixels, nameof(image));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Prediction>(cancellationToken);
        }

        BatchRequest request = Accept();
        pixels.CopyTo(request.Image);
        return Enqueue(request, cancellationToken);
    }

    /// <summary>
    /// Stops accepting requests (later calls throw <see cref="ObjectDisposedException"/>), answers
    /// every request already accepted, then stops the worker. Safe to call more than once; every
    /// call returns when the worker has stopped. Does not dispose the classifier.
    /// </summary>
    /// <returns>A task that completes when every accepted request has been answered.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            queue.Writer.TryComplete();
        }

        await stopped.Task.ConfigureAwait(false);
        metrics.Dispose();
    }

    private static Runner RunnerOf(LeNetClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return classifier.Classify;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            Throw.Disposed(nameof(BatchingClassifier));
        }
    }

    /// <summary>Takes a pending slot, or refuses when all are taken, and rents a request for it.</summary>
    private BatchRequest Accept()
    {
        int capacity = Options.QueueCapacity;
        int current = Volatile.Read(ref pending);
        while (true)
        {
            if (current >= capacity)
            {
                metrics.Rejected();
                Throw.QueueFull(capacity);
            }

            int seen = Interlocked.CompareExchange(ref pending, current + 1, current);
            if (seen == current)
            {
                return pool.Rent();
            }

            current = seen;
        }
    }

    private ValueTask<Prediction> Enqueue(BatchRequest request, CancellationToken cancellationToken)
    {
        ValueTask<Prediction> result = request.Start(cancellationToken);
        if (!queue.Writer.TryWrite(request))
        {
            // Disposed after the check: the worker will never see this request, so both owners let go here.
            Interlocked.Decrement(ref pending);
            request.Release();
            request.Release();
            Throw.Disposed(nameof(BatchingClassifier));
        }

        return result;
    }
}
