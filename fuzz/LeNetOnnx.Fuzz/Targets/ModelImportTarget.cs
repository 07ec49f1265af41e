using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>model-import</c>: the input is an ONNX model for <see cref="LeNetModelReader.Parse"/>, as
/// <c>lenet artifacts --from</c> reads the weights to train from. Documented failure:
/// <see cref="ModelImportException"/>.
/// </summary>
public sealed class ModelImportTarget : IFuzzTarget
{
    private readonly SeedCorpus seeds;

    /// <param name="seeds">Where the seed models come from.</param>
    public ModelImportTarget(SeedCorpus seeds)
    {
        this.seeds = seeds;
    }

    /// <inheritdoc />
    public string Name => "model-import";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds => seeds.Models;

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        ImportedModel model = LeNetModelReader.Parse(input, "fuzz.onnx");
        if (model.Weights.Values.Any(w => w.Any(v => !float.IsFinite(v))))
        {
            throw new InvalidOperationException("A non-finite weight was accepted.");
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is ModelImportException;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
