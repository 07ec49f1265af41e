using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>idx-images</c>: the input is the images file of <see cref="ImageDataSet.Load"/> (beside a
/// valid labels file), as <c>lenet train</c> and <c>lenet evaluate</c> read it. Documented
/// failure: <see cref="DataSetException"/>.
/// </summary>
public sealed class IdxImagesTarget : IFuzzTarget
{
    private readonly ScratchDirectory scratch = new("idx-images");
    private readonly string labels;

    /// <param name="seeds">Where the seed IDX files come from.</param>
    public IdxImagesTarget(SeedCorpus seeds)
    {
        Seeds = seeds.IdxImages;
        labels = scratch.Write("labels-idx1-ubyte", seeds.RawLabels);
    }

    /// <inheritdoc />
    public string Name => "idx-images";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        string images = scratch.Write("images-idx3-ubyte", input);
        ImageDataSet set = ImageDataSet.Load("fuzz", images, labels);
        for (int i = 0; i < set.Count; i++)
        {
            _ = set.Image(i);
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is DataSetException;

    /// <inheritdoc />
    public void Dispose() => scratch.Dispose();
}
