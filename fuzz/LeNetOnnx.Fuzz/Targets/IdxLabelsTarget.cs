using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>idx-labels</c>: the input is the labels file of <see cref="ImageDataSet.Load"/> (beside a
/// valid images file). Documented failure: <see cref="DataSetException"/>.
/// </summary>
public sealed class IdxLabelsTarget : IFuzzTarget
{
    private readonly ScratchDirectory scratch = new("idx-labels");
    private readonly string images;

    /// <param name="seeds">Where the seed IDX files come from.</param>
    public IdxLabelsTarget(SeedCorpus seeds)
    {
        Seeds = seeds.IdxLabels;
        images = scratch.Write("images-idx3-ubyte", seeds.RawImages);
    }

    /// <inheritdoc />
    public string Name => "idx-labels";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        string labels = scratch.Write("labels-idx1-ubyte", input);
        ImageDataSet set = ImageDataSet.Load("fuzz", images, labels);
        if (set.Labels.Span.IndexOfAnyInRange((byte)set.ClassCount, byte.MaxValue) >= 0)
        {
            throw new InvalidOperationException("A label outside 0..9 was accepted.");
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is DataSetException;

    /// <inheritdoc />
    public void Dispose() => scratch.Dispose();
}
