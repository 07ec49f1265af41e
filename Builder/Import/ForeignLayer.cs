namespace LeNetOnnx.Builder.Import;

/// <summary>One step of a foreign model's main chain, from its input to its output, as <see cref="LayerChainReader"/> reads it.</summary>
/// <param name="Node">The node it was read from, for messages (<see cref="ForeignGraph.Describe"/>).</param>
internal abstract record ForeignLayer(string Node)
{
    /// <summary>What the layer is, for messages: e.g. <c>Conv 6→16 5×5, padding 0</c>.</summary>
    public abstract string Summary { get; }
}

/// <summary><c>x·Scale + Shift</c> with scalar constants (Mul, Div, Add, Sub).</summary>
internal sealed record AffineLayer(string Node, float Scale, float Shift) : ForeignLayer(Node)
{
    public override string Summary => $"x·{Scale} + {Shift}";
}

/// <summary>
/// Padding of <see cref="Pixels"/> on every side of the image with <see cref="Value"/>; Pixels is
/// null when the exporter computes the amounts in the graph (<c>F.pad</c> does), and the layers
/// after it then tell how much it must be (<see cref="ChainMatch"/>).
/// </summary>
internal sealed record PadLayer(string Node, int? Pixels, float Value) : ForeignLayer(Node)
{
    public override string Summary => $"Pad {Pixels?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(computed)"}";
}

/// <summary><c>x·Scale[c] + Shift[c]</c> per channel c (Mul or Add by a constant of shape [C,1,1]).</summary>
internal sealed record ChannelAffineLayer(string Node, float[] Scale, float[] Shift) : ForeignLayer(Node)
{
    public override string Summary => $"per-map x·a + b ({Scale.Length} maps)";
}

/// <summary>A 2-D convolution with stride 1 and symmetric padding; weights <c>[Out, In, K, K]</c>.</summary>
internal sealed record ConvLayer(string Node, int Out, int In, int Kernel, int Padding, float[] Weight, float[] Bias) : ForeignLayer(Node)
{
    public override string Summary => $"Conv {In}→{Out} {Kernel}×{Kernel}, padding {Padding}";
}

/// <summary>An element-wise squashing function.</summary>
internal sealed record ActivationLayer(string Node, string Kind) : ForeignLayer(Node)
{
    public override string Summary => Kind;
}

/// <summary>A 2×2 pooling with stride 2.</summary>
internal sealed record PoolLayer(string Node, string Kind) : ForeignLayer(Node)
{
    public override string Summary => $"{Kind} 2×2";
}

/// <summary>Flatten to <c>[N, features]</c> (Flatten, or a Reshape however its shape is computed).</summary>
internal sealed record FlattenLayer(string Node) : ForeignLayer(Node)
{
    public override string Summary => "Flatten";
}

/// <summary>A dense layer <c>y = W·x + b</c>, weights <c>[Out, In]</c> (Gemm, or MatMul and Add).</summary>
internal sealed record DenseLayer(string Node, int Out, int In, float[] Weight, float[] Bias) : ForeignLayer(Node)
{
    public override string Summary => $"Dense {In}→{Out}";
}

/// <summary>A trailing Softmax or LogSoftmax over the classes.</summary>
internal sealed record SoftmaxLayer(string Node, bool Log) : ForeignLayer(Node)
{
    public override string Summary => Log ? "LogSoftmax" : "Softmax";
}

/// <summary>A bilinear resize of the image to <see cref="Size"/>×Size (half-pixel centres); Size null when the graph computes it.</summary>
internal sealed record ResizeLayer(string Node, int? Size) : ForeignLayer(Node)
{
    public override string Summary => $"Resize bilinear to {Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(computed)"}";
}
