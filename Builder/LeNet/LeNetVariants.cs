namespace LeNetOnnx.Builder.LeNet;

/// <summary>The named LeNet-5 presets (see <c>shared/design/lenet-variants.md</c>).</summary>
public static class LeNetVariants
{
    /// <summary>d2l / PyTorch tutorial: sigmoid, average pooling, C1 padded by 2. 61,706 parameters.</summary>
    public static LeNetOptions Classic { get; } = new()
    {
        Variant = "classic",
        Activation = Activation.Sigmoid,
        Pooling = Pooling.Average,
        C1Padding = 2,
        Input = InputTransform.None,
    };

    /// <summary>The PyTorch MNIST tutorial: ReLU, max pooling, no C1 padding, (x−0.5)/0.5 input. 44,426 parameters.</summary>
    public static LeNetOptions ReluMax { get; } = new()
    {
        Variant = "relu-max",
        Activation = Activation.Relu,
        Pooling = Pooling.Max,
        Input = new InputTransform { Scale = 2f, Shift = -1f },
    };

    /// <summary>The Keras seed: tanh, max pooling, no C1 padding. 44,426 parameters.</summary>
    public static LeNetOptions TanhMax { get; } = ReluMax with { Variant = "tanh-max", Activation = Activation.Tanh, Input = InputTransform.None };

    /// <summary>The MXNet/Gluon seed: sigmoid, max pooling, no C1 padding. 44,426 parameters.</summary>
    public static LeNetOptions SigmoidMax { get; } = ReluMax with { Variant = "sigmoid-max", Activation = Activation.Sigmoid, Input = InputTransform.None };

    /// <summary>
    /// The MXNet/Gluon source as its data loader feeds it: <see cref="SigmoidMax"/> on the image
    /// resized to 96×96 inside the graph (bilinear, half-pixel centres), so C1 sees 96×96 and the
    /// first dense layer reads 16·21·21 = 7,056 values. 860,426 parameters.
    /// </summary>
    public static LeNetOptions SigmoidMax96 { get; } = SigmoidMax with { Variant = "sigmoid-max-96", Input = new InputTransform { Resize = 96, Scale = 1f } };

    /// <summary>
    /// The classic layout (C1 padded by 2, 61,706 parameters) with ReLU, max pooling and the
    /// (x−0.5)/0.5 input of the PyTorch tutorial: the network of the <c>best</c> recipe.
    /// </summary>
    public static LeNetOptions Modern { get; } = ReluMax with { Variant = "modern", C1Padding = 2 };

    /// <summary>
    /// LeCun et al. 1998: 32×32 input (padded in the graph, background −0.1, ink 1.175),
    /// scaled tanh, trainable subsampling, the C3 table, C5 as a convolution. 60,850 parameters.
    /// </summary>
    public static LeNetOptions Original { get; } = new()
    {
        Variant = "original",
        Activation = Activation.ScaledTanh,
        Pooling = Pooling.TrainableSubsampling,
        C3Connections = C3Connections.Lecun1998,
        C5AsConvolution = true,
        Input = new InputTransform { Padding = 2, Scale = 1.275f, Shift = -0.1f },
        SubsamplingCoefficient = 0.25f,
    };

    /// <summary>Every preset, in the order they are documented.</summary>
    public static IReadOnlyList<LeNetOptions> All { get; } = [Classic, ReluMax, TanhMax, SigmoidMax, Original, Modern, SigmoidMax96];

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(v => v.Variant).ToArray();

    /// <summary>Finds a preset by name (case-insensitive).</summary>
    public static bool TryGet(string name, out LeNetOptions options)
    {
        foreach (LeNetOptions v in All)
        {
            if (string.Equals(v.Variant, name, StringComparison.OrdinalIgnoreCase))
            {
                options = v;
                return true;
            }
        }

        options = default;
        return false;
    }

    /// <summary>Finds a preset by name or throws an error that lists the valid names.</summary>
    public static LeNetOptions Get(string name) =>
        TryGet(name, out LeNetOptions options)
            ? options
            : throw new InvalidOptionException($"Unknown variant '{name}'. Valid variants: {string.Join(", ", Names)}.", nameof(name));
}
