namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// The choices that make one LeNet-5 variant. Every variant is composed from these options,
/// not written out separately; see <see cref="LeNetVariants"/> for the named presets.
/// </summary>
public readonly record struct LeNetOptions
{
    /// <summary>The variant name written into the model metadata.</summary>
    public required string Variant { get; init; }

    /// <summary>The squashing function after C1, C3, (C5/F5) and F6.</summary>
    public required Activation Activation { get; init; }

    /// <summary>S2 and S4.</summary>
    public required Pooling Pooling { get; init; }

    /// <summary>Zero padding of C1 (2 keeps 28×28 maps, as in d2l).</summary>
    public int C1Padding { get; init; }

    /// <summary>Which S2 maps feed each C3 map.</summary>
    public C3Connections C3Connections { get; init; }

    /// <summary>
    /// True: C5 is a 5×5 convolution over S4's 16×5×5 maps (the paper). False: S4 is flattened
    /// into a 120-unit linear layer F5 (the tutorials).
    /// </summary>
    public bool C5AsConvolution { get; init; }

    /// <summary>In-graph preprocessing of the contract's image.</summary>
    public InputTransform Input { get; init; }

    /// <summary>Initial per-map coefficient of trainable subsampling (0.25 starts it as an average).</summary>
    public float SubsamplingCoefficient { get; init; }

    /// <summary>How the weights are initialized (biases start at zero).</summary>
    public WeightInit Init { get; init; }

    /// <summary>Side length C1 sees, after the input transform.</summary>
    public int InputSize => Input.OutputSize;
}
