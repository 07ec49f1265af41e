namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Reusable input buffers for one batch: images as <c>[capacity, 1, rows, columns]</c> floats and
/// labels as int64, the element types of the training graph's inputs. Allocated once, pinned, so
/// ONNX Runtime can wrap them batch after batch without copying or pinning again.
/// </summary>
public sealed class BatchBuffer
{
    private readonly float[] images;
    private readonly long[] labels;

    /// <summary>Allocates buffers for up to <paramref name="capacity"/> images of <paramref name="pixelsPerImage"/> pixels.</summary>
    public BatchBuffer(int capacity, int pixelsPerImage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        Capacity = capacity;
        PixelsPerImage = pixelsPerImage;
        images = GC.AllocateArray<float>(checked(capacity * pixelsPerImage), pinned: true);
        labels = GC.AllocateArray<long>(capacity, pinned: true);
    }

    /// <summary>The largest batch the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Floats per image.</summary>
    public int PixelsPerImage { get; }

    /// <summary>Examples written by the last fill; the last batch of an epoch may be smaller than <see cref="Capacity"/>.</summary>
    public int Count { get; internal set; }

    /// <summary>The whole image buffer, <c>Capacity × PixelsPerImage</c> floats.</summary>
    public Memory<float> Images => images;

    /// <summary>The whole label buffer, <c>Capacity</c> values.</summary>
    public Memory<long> Labels => labels;

    /// <summary>The images of the last fill: <c>Count × PixelsPerImage</c> floats.</summary>
    public Memory<float> FilledImages => images.AsMemory(0, Count * PixelsPerImage);

    /// <summary>The labels of the last fill: <c>Count</c> values.</summary>
    public Memory<long> FilledLabels => labels.AsMemory(0, Count);
}
