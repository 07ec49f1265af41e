using BenchmarkDotNet.Attributes;

namespace LeNetOnnx.Runtime.Benchmarks;

/// <summary><see cref="LeNetClassifier.Predict(ReadOnlySpan{byte})"/>: one raw 0..255 image in, its label out.</summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private LeNetClassifier classifier = null!;
    private byte[] image = [];

    /// <summary>Loads the model and one image.</summary>
    [GlobalSetup]
    public void Setup()
    {
        classifier = LeNetClassifier.Load(ModelFile.Classic);
        image = Images.Bytes(1, seed: 20240601);
    }

    /// <summary>Releases the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => classifier.Dispose();

    /// <summary>One image, raw bytes.</summary>
    [Benchmark]
    public int PredictBytes() => classifier.Predict(image);
}
