namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Labelled grey images in memory, in their compact form: one byte per pixel (0 black background
/// … 255 white ink), row-major, image after image; one byte per label. The training pipeline
/// turns pixels into <c>pixel / 255</c> floats in its own buffers (<see cref="Batcher"/>).
/// </summary>
/// <example>
/// <code>
/// ImageDataSet test = ImageDataSet.Load("test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
/// ReadOnlySpan&lt;byte&gt; first = test.Image(0);   // 784 bytes
/// byte label = test.Labels.Span[0];
/// </code>
/// </example>
public sealed class ImageDataSet
{
    private readonly byte[] images;
    private readonly byte[] labels;

    /// <summary>
    /// Wraps arrays without copying them: the data set takes ownership, so the caller must not
    /// change them afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths disagree or a label is outside 0 .. classCount−1.</exception>
    public ImageDataSet(string name, byte[] images, byte[] labels, int rows, int columns, int classCount, SourceFile? imagesSource = null, SourceFile? labelsSource = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        int pixels = checked(rows * columns);
        if (images.Length != (long)labels.Length * pixels)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * pixels} pixel bytes ({rows}x{columns} each); got {images.Length}.", nameof(images));
        }

        if (classCount < 256 && labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue) is int bad and >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is outside 0..{classCount - 1}.", nameof(labels));
        }

        Name = name;
        this.images = images;
        this.labels = labels;
        Rows = rows;
        Columns = columns;
        ClassCount = classCount;
        ImagesSource = imagesSource;
        LabelsSource = labelsSource;
    }

    /// <summary>What this is, e.g. <c>Fashion-MNIST train</c>.</summary>
    public string Name { get; }

    /// <summary>Number of images (and labels).</summary>
    public int Count => labels.Length;

    /// <summary>Image height.</summary>
    public int Rows { get; }

    /// <summary>Image width.</summary>
    public int Columns { get; }

    /// <summary>Pixels per image, <c>Rows × Columns</c>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount { get; }

    /// <summary>All pixels, <c>Count × PixelsPerImage</c> bytes.</summary>
    public ReadOnlyMemory<byte> Images => images;

    /// <summary>All labels, one byte each.</summary>
    public ReadOnlyMemory<byte> Labels => labels;

    /// <summary>The image file this was read from, or null when built in memory.</summary>
    public SourceFile? ImagesSource { get; }

    /// <summary>The label file this was read from, or null when built in memory.</summary>
    public SourceFile? LabelsSource { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return images.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>
    /// The first <paramref name="count"/> images and labels (all of them when there are fewer), with
    /// the same sources: a quick experiment on part of a data set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public ImageDataSet Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return count >= Count
            ? this
            : new ImageDataSet(Name, images[..(count * PixelsPerImage)], labels[..count], Rows, Columns, ClassCount, ImagesSource, LabelsSource);
    }

    /// <summary>
    /// Reads and validates an image file and a label file (each gzip or raw), and checks that
    /// they hold the same number of items.
    /// </summary>
    /// <exception cref="DataSetException">A file is missing or malformed, or the counts differ; the message names the file.</exception>
    public static ImageDataSet Load(string name, string imagesPath, string labelsPath, int rows = 28, int columns = 28, int classCount = 10)
    {
        IdxContents imageFile = IdxReader.ReadImages(imagesPath, rows, columns);
        IdxContents labelFile = IdxReader.ReadLabels(labelsPath, classCount);
        if (imageFile.Count != labelFile.Count)
        {
            throw new DataSetException(
                $"{Path.GetFileName(imagesPath)} holds {imageFile.Count:N0} images but {Path.GetFileName(labelsPath)} holds {labelFile.Count:N0} labels; "
                + "they must come from the same release of the same data set.");
        }

        return new ImageDataSet(name, imageFile.Data, labelFile.Data, rows, columns, classCount, imageFile.Source, labelFile.Source);
    }
}
