using LeNetOnnx.Runtime;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Cuts an ordering of a data set into batches and writes each into caller-owned buffers as the
/// model contract wants it: pixels as <c>pixel / 255</c> floats (0 background … 1 ink), labels as
/// int64. The last batch of an ordering holds the remainder and is reported with its real size,
/// never dropped or padded. A batcher does not change after construction, so several threads may
/// fill different buffers at once.
/// </summary>
/// <example>
/// <code>
/// var batcher = new Batcher(data.Train, batchSize: 64);
/// var buffer = new BatchBuffer(64, data.Train.PixelsPerImage);
/// int[] order = ShuffleOrder.ForEpoch(data.Train.Count, seed, epoch);
/// for (int b = 0; b &lt; batcher.BatchCount(order.Length); b++)
/// {
///     int size = batcher.Fill(order, b, epoch, buffer);   // buffer.FilledImages, buffer.FilledLabels
/// }
/// </code>
/// </example>
public sealed class Batcher
{
    private readonly float[] scale = CreateScale();

    /// <summary>Creates a batcher over <paramref name="data"/>.</summary>
    public Batcher(ImageDataSet data, int batchSize, Augmentation augmentation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Data = data;
        BatchSize = batchSize;
        Augmentation = augmentation;
    }

    /// <summary>The data set batches are taken from.</summary>
    public ImageDataSet Data { get; }

    /// <summary>Examples per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>The augmentation applied while filling; <see cref="Augmentation.None"/> by default.</summary>
    public Augmentation Augmentation { get; }

    /// <summary>Batches needed for <paramref name="exampleCount"/> examples, the partial last one included.</summary>
    public int BatchCount(int exampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exampleCount);
        return (int)(((long)exampleCount + BatchSize - 1) / BatchSize);
    }

    /// <summary>Fills <paramref name="buffer"/> with batch <paramref name="batchIndex"/> of <paramref name="order"/> and sets its <see cref="BatchBuffer.Count"/>.</summary>
    /// <returns>The batch's real size.</returns>
    public int Fill(ReadOnlySpan<int> order, int batchIndex, int epoch, BatchBuffer buffer)
    {
        CheckFits(buffer);
        int size = Fill(order, batchIndex, epoch, buffer.Images.Span, buffer.Labels.Span);
        buffer.Count = size;
        return size;
    }

    /// <summary>
    /// Writes batch <paramref name="batchIndex"/> of <paramref name="order"/>: image k of the batch
    /// to <c>images[k·P .. (k+1)·P)</c> (P pixels per image) and its label to <c>labels[k]</c>.
    /// Elements past the batch's size are left as they were. <paramref name="epoch"/> only matters
    /// for augmentation.
    /// </summary>
    /// <returns>The batch's real size: <see cref="BatchSize"/>, or less for the last batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The batch index is out of range, or the order names an example that does not exist.</exception>
    /// <exception cref="ArgumentException">A destination is too small for the batch.</exception>
    public int Fill(ReadOnlySpan<int> order, int batchIndex, int epoch, Span<float> images, Span<long> labels)
    {
        int size = SizeOf(order.Length, batchIndex);
        FillSlice(order, batchIndex, epoch, images, labels, 0, size);
        return size;
    }

    /// <summary>The size of batch <paramref name="batchIndex"/> of an ordering of <paramref name="exampleCount"/> examples.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such batch.</exception>
    public int SizeOf(int exampleCount, int batchIndex)
    {
        int batches = BatchCount(exampleCount);
        if ((uint)batchIndex >= (uint)batches)
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, $"{exampleCount} examples make {batches} batches of up to {BatchSize}.");
        }

        return Math.Min(BatchSize, exampleCount - (batchIndex * BatchSize));
    }

    /// <summary>Writes examples <c>[first, first + count)</c> of batch <paramref name="batchIndex"/> into <paramref name="buffer"/> as the span overload does; <see cref="BatchBuffer.Count"/> is left to the caller.</summary>
    public void FillSlice(ReadOnlySpan<int> order, int batchIndex, int epoch, BatchBuffer buffer, int first, int count)
    {
        CheckFits(buffer);
        FillSlice(order, batchIndex, epoch, buffer.Images.Span, buffer.Labels.Span, first, count);
    }

    /// <summary>
    /// Writes examples <c>[first, first + count)</c> of batch <paramref name="batchIndex"/> of
    /// <paramref name="order"/> where <see cref="Fill(ReadOnlySpan{int}, int, int, Span{float}, Span{long})"/>
    /// puts them (image k at <c>images[k·P ..]</c>, its label at <c>labels[k]</c>) and touches
    /// nothing else, so that threads can fill the slices of one batch at the same time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch or slice is out of range, or the order names an example that does not exist.</exception>
    /// <exception cref="ArgumentException">A destination is too small for the slice.</exception>
    public void FillSlice(ReadOnlySpan<int> order, int batchIndex, int epoch, Span<float> images, Span<long> labels, int first, int count)
    {
        int size = SizeOf(order.Length, batchIndex);
        if (first < 0 || count < 0 || first > size - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Examples {first} to {first + count - 1} are not all in batch {batchIndex}, which holds {size}.");
        }

        int batchStart = batchIndex * BatchSize;
        int pixels = Data.PixelsPerImage;
        if (images.Length < (first + count) * pixels || labels.Length < first + count)
        {
            throw new ArgumentException($"Examples {first} to {first + count - 1} of a batch need {(first + count) * pixels} image floats and {first + count} labels; got {images.Length} and {labels.Length}.");
        }

        ReadOnlySpan<byte> allImages = Data.Images.Span;
        ReadOnlySpan<byte> allLabels = Data.Labels.Span;
        ReadOnlySpan<float> pixelValue = scale;
        bool augment = Augmentation.IsEnabled;
        for (int k = first; k < first + count; k++)
        {
            int example = order[batchStart + k];
            if ((uint)example >= (uint)Data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(order), example, $"Position {batchStart + k} names example {example}; the data set has {Data.Count}.");
            }

            ReadOnlySpan<byte> source = allImages.Slice(example * pixels, pixels);
            Span<float> destination = images.Slice(k * pixels, pixels);
            if (augment)
            {
                Augmentation.Apply(source, Data.Rows, Data.Columns, destination, epoch, example, pixelValue);
            }
            else
            {
                PixelScale.Scale(source, destination);
            }

            labels[k] = allLabels[example];
        }
    }

    private void CheckFits(BatchBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.PixelsPerImage != Data.PixelsPerImage)
        {
            throw new ArgumentException($"The buffer holds images of {buffer.PixelsPerImage} pixels; this data set's have {Data.PixelsPerImage}.", nameof(buffer));
        }
    }

    // Augmentation reads pixels one by one through this table.
    private static float[] CreateScale()
    {
        float[] table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = PixelScale.Of(i);
        }

        return table;
    }
}
