using BenchmarkDotNet.Attributes;

namespace LeNetOnnx.Runtime.Benchmarks;

/// <summary>
/// <see cref="LeNetClassifier.Classify(ReadOnlySpan{float}, Span{float}, Span{float})"/> on one
/// thread (or in parallel slices) over caller-owned buffers allocated once: what one call costs, and what it allocates.
/// </summary>
[MemoryDiagnoser]
public class ClassifyBenchmarks
{
    private LeNetClassifier classifier = null!;
    private float[] images = [];
    private float[] logits = [];
    private float[] probabilities = [];

    /// <summary>Images per call.</summary>
    [Params(1, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Parallel slices per batch (<see cref="LeNetClassifierOptions.BatchSlices"/>): 1, one thread; 2, both cores of the reference machine.</summary>
    [Params(1, 2)]
    public int Slices { get; set; }

    /// <summary>Loads the model and allocates the buffers of one batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        classifier = LeNetClassifier.Load(ModelFile.Classic, new LeNetClassifierOptions { BatchSlices = Slices });
        images = Images.Floats(Batch, seed: 20240601);
        logits = new float[Batch * LeNetClassifier.ClassCount];
        probabilities = new float[Batch * LeNetClassifier.ClassCount];
    }

    /// <summary>Releases the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => classifier.Dispose();

    /// <summary>One call over the whole batch.</summary>
    [Benchmark]
    public void Classify() => classifier.Classify(images, logits, probabilities);
}
