using BenchmarkDotNet.Attributes;

namespace LeNetOnnx.Runtime.Benchmarks;

/// <summary>
/// 64 callers at once, each with one raw image, as a service sees them: each calling the
/// thread-safe <see cref="LeNetClassifier"/> directly, or queueing through a
/// <see cref="BatchingClassifier"/> (default options: up to 64 images, 1 ms delay) that runs them
/// together. Each invocation starts the 64 callers on the thread pool and waits for all of them;
/// times and allocations are per request (<c>OperationsPerInvoke = 64</c>).
/// </summary>
[MemoryDiagnoser]
public class ConcurrentCallersBenchmarks
{
    private const int Callers = 64;

    private readonly Task<Prediction>[] callers = new Task<Prediction>[Callers];
    private LeNetClassifier classifier = null!;
    private BatchingClassifier batching = null!;
    private byte[][] images = [];

    /// <summary>
    /// ONNX Runtime threads per call (<see cref="LeNetClassifierOptions.IntraOpThreads"/>): 1, the
    /// default, leaves the cores to the callers; 2 lets the single batching worker use both cores of CI's machine.
    /// </summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; }

    /// <summary>Loads the model, starts the batching front and makes one image per caller.</summary>
    [GlobalSetup]
    public void Setup()
    {
        classifier = LeNetClassifier.Load(ModelFile.Classic, new LeNetClassifierOptions { IntraOpThreads = IntraOpThreads });
        batching = new BatchingClassifier(classifier);
        byte[] pixels = Images.Bytes(Callers, seed: 20240601);
        images = [.. pixels.Chunk(LeNetClassifier.PixelsPerImage)];
    }

    /// <summary>Stops the batching front, then releases the session.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        batching.DisposeAsync().AsTask().GetAwaiter().GetResult();
        classifier.Dispose();
    }

    /// <summary>Every caller runs its own one-image call on the shared session.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Callers)]
    public Task Direct()
    {
        for (int i = 0; i < Callers; i++)
        {
            byte[] image = images[i];
            callers[i] = Task.Run(() => classifier.Classify(image));
        }

        return Task.WhenAll(callers);
    }

    /// <summary>Every caller queues its image; the worker runs them in batches.</summary>
    [Benchmark(OperationsPerInvoke = Callers)]
    public Task Batching()
    {
        for (int i = 0; i < Callers; i++)
        {
            byte[] image = images[i];
            callers[i] = Task.Run(async () => await batching.ClassifyAsync(image).ConfigureAwait(false));
        }

        return Task.WhenAll(callers);
    }
}
