namespace LeNetOnnx.Runtime;

/// <summary>
/// The tensor shapes of one batch size, <c>[N,1,28,28]</c> in and <c>[N,10]</c> out, cached for
/// common sizes so a call allocates no shape arrays. ONNX Runtime only reads them.
/// </summary>
internal sealed class BatchShapes
{
    private const int CachedBatches = 256;

    // A race may build the same entry twice; both are equal and either may win.
    private static readonly BatchShapes?[] Cache = new BatchShapes?[CachedBatches + 1];

    private BatchShapes(int batch)
    {
        Images = [batch, 1, LeNetClassifier.ImageSize, LeNetClassifier.ImageSize];
        Scores = [batch, LeNetClassifier.ClassCount];
    }

    /// <summary>The input shape <c>[N,1,28,28]</c>.</summary>
    public long[] Images { get; }

    /// <summary>The shape of each output, <c>[N,10]</c>.</summary>
    public long[] Scores { get; }

    public static BatchShapes For(int batch) =>
        batch <= CachedBatches ? Cache[batch] ??= new BatchShapes(batch) : new BatchShapes(batch);
}
