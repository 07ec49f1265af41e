using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>idx-image-reader</c>: the input is an images file opened with <see cref="IdxImageReader"/>,
/// as <c>lenet predict FILE:RANGE</c> reads it: the first images, then the last one. Documented
/// failure: <see cref="DataSetException"/>.
/// </summary>
public sealed class IdxImageReaderTarget : IFuzzTarget
{
    // lenet predict asks for at most a few images per input; so does this target.
    private const int FirstImages = 4;

    private readonly ScratchDirectory scratch = new("idx-image-reader");

    /// <param name="seeds">Where the seed IDX files come from.</param>
    public IdxImageReaderTarget(SeedCorpus seeds)
    {
        Seeds = [.. seeds.IdxImages, seeds.EmptyImages];
    }

    /// <inheritdoc />
    public string Name => "idx-image-reader";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        string path = scratch.Write("images-idx3-ubyte", input);
        using IdxImageReader reader = IdxImageReader.Open(path, SeedCorpus.ImageSize, SeedCorpus.ImageSize);
        int first = Math.Min(reader.Count, FirstImages);
        byte[] pixels = reader.ReadImages(0, first);
        if (pixels.Length != first * SeedCorpus.ImageSize * SeedCorpus.ImageSize)
        {
            throw new InvalidOperationException($"{first} images came back as {pixels.Length} bytes.");
        }

        if (reader.Count > first)
        {
            reader.ReadImages(reader.Count - 1, 1);
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is DataSetException;

    /// <inheritdoc />
    public void Dispose() => scratch.Dispose();
}
