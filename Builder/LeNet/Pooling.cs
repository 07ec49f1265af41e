namespace LeNetOnnx.Builder.LeNet;

/// <summary>The 2×2, stride-2 subsampling used by S2 and S4.</summary>
public enum Pooling
{
    /// <summary>Mean of each block; no parameters.</summary>
    Average,

    /// <summary>Maximum of each block; no parameters.</summary>
    Max,

    /// <summary>
    /// LeCun 1998: the block's sum times a trainable per-map coefficient plus a trainable
    /// per-map bias, then the activation (2 parameters per map).
    /// </summary>
    TrainableSubsampling,
}
