using LeNetOnnx.Runtime;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>model</c>: the input is an ONNX model for <see cref="LeNetClassifier.FromBytes"/>, as
/// <c>lenet predict</c>, <c>lenet serve</c> and embedding applications load it; a model that loads
/// then classifies two images. Documented failure: <see cref="LeNetModelException"/>. The bytes
/// reach ONNX Runtime's native code, so a dead process is a finding too (the runner records the
/// input in flight).
/// </summary>
public sealed class RuntimeModelTarget : IFuzzTarget
{
    private readonly SeedCorpus seeds;

    private readonly byte[] blank = new byte[LeNetClassifier.PixelsPerImage];
    private readonly byte[] noise = new byte[LeNetClassifier.PixelsPerImage];

    /// <param name="seeds">Where the seed models come from.</param>
    public RuntimeModelTarget(SeedCorpus seeds)
    {
        this.seeds = seeds;
        new Random(784).NextBytes(noise);
    }

    /// <inheritdoc />
    public string Name => "model";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds => seeds.Models;

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(input);
        foreach (byte[] image in (byte[][])[blank, noise])
        {
            int label = classifier.Predict(image);
            if (label is < 0 or >= LeNetClassifier.ClassCount)
            {
                throw new InvalidOperationException($"Predict returned label {label}.");
            }
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is LeNetModelException;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
