namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// One batch of an ordering, chosen but not yet written: whoever runs a slice of it (each replica
/// of a <see cref="Engine.TrainingEngine"/>, on its own thread) writes that slice into the batch
/// buffer just before using it, so the slices are filled in parallel. The same images, labels and
/// positions as <see cref="Batcher.Fill(ReadOnlySpan{int}, int, int, BatchBuffer)"/>.
/// </summary>
public sealed class PendingBatch
{
    private readonly Batcher batcher;
    private int[] order = [];
    private int index;
    private int epoch;

    /// <summary>A pending batch taken from <paramref name="batcher"/>'s batches; choose one with <see cref="Select"/>.</summary>
    public PendingBatch(Batcher batcher)
    {
        this.batcher = batcher ?? throw new ArgumentNullException(nameof(batcher));
    }

    /// <summary>The chosen batch's size (0 until one is chosen).</summary>
    public int Size { get; private set; }

    /// <summary>Chooses batch <paramref name="batchIndex"/> of <paramref name="ordering"/> (kept, not copied) in <paramref name="epochIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such batch.</exception>
    public void Select(int[] ordering, int batchIndex, int epochIndex)
    {
        ArgumentNullException.ThrowIfNull(ordering);
        Size = batcher.SizeOf(ordering.Length, batchIndex);
        (order, index, epoch) = (ordering, batchIndex, epochIndex);
    }

    /// <summary>Writes examples <c>[first, first + count)</c> of the chosen batch into <paramref name="buffer"/>, where a whole fill puts them.</summary>
    public void FillSlice(BatchBuffer buffer, int first, int count)
    {
        batcher.FillSlice(order, index, epoch, buffer, first, count);
    }
}
