namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// 2-D convolution of <paramref name="x"/> <c>[N,C,H,W]</c> with <paramref name="w"/>
    /// <c>[M,C/group,kH,kW]</c> and optional bias <c>[M]</c>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="w">The kernel.</param>
    /// <param name="bias">The per-output-channel bias, or null.</param>
    /// <param name="pads">ONNX order <c>[top, left, bottom, right]</c>; null means no padding.</param>
    /// <param name="strides">Null means 1.</param>
    /// <param name="group">Number of channel groups.</param>
    /// <param name="name">The output name, or null for a made one.</param>
    /// <param name="dilations">Spacing of the kernel taps; null means 1.</param>
    public Value Conv(Value x, Value w, Value? bias, long[]? pads = null, long[]? strides = null, long group = 1, string? name = null, long[]? dilations = null)
    {
        const string op = "Conv";
        ShapeInference.RequireRank(op, "input", x, 4);
        ShapeInference.RequireRank(op, "kernel", w, 4);
        ShapeInference.RequireSameType(op, x, w);
        pads ??= [0, 0, 0, 0];
        strides ??= [1, 1];
        dilations ??= [1, 1];
        long[] kernel = [SizeOf(op, w, 2), SizeOf(op, w, 3)];
        Dim inChannels = x.Shape[1];
        if (inChannels.IsKnown && w.Shape[1].IsKnown && inChannels.Size != w.Shape[1].Size * group)
        {
            throw new GraphBuildException($"{op}: input '{x.Name}' {x.Shape} has {inChannels} channels, but kernel '{w.Name}' {w.Shape} with group {group} expects {w.Shape[1].Size * group}.");
        }

        var inputs = new List<Value?> { x, w };
        if (bias is not null)
        {
            ShapeInference.RequireRank(op, "bias", bias, 1);
            ShapeInference.RequireEqual(op, $"bias '{bias.Name}' {bias.Shape} and kernel '{w.Name}' {w.Shape} output channels", bias.Shape[0], w.Shape[0]);
            inputs.Add(bias);
        }

        var shape = new TensorShape(
            x.Shape[0],
            w.Shape[0],
            ShapeInference.Window(op, x.Shape, x.Shape[2], kernel[0], strides[0], pads[0], pads[2], dilations[0]),
            ShapeInference.Window(op, x.Shape, x.Shape[3], kernel[1], strides[1], pads[1], pads[3], dilations[1]));
        return AddNode(op, inputs, [(name, x.ElementType, shape)], ConvAttributes(kernel, pads, strides, dilations, group))[0];
    }

    /// <summary>
    /// 2-D transposed convolution (group 1): the adjoint of <see cref="Conv"/> with the same
    /// kernel <c>[M,C,kH,kW]</c>, pads, strides and dilations, mapping <c>[N,M,H',W']</c> back to
    /// <c>[N,C,H,W]</c> (no output padding: a strided Conv must have used every input row and column).
    /// </summary>
    public Value ConvTranspose(Value x, Value w, long[] pads, string? name = null, long[]? strides = null, long[]? dilations = null)
    {
        const string op = "ConvTranspose";
        ShapeInference.RequireRank(op, "input", x, 4);
        ShapeInference.RequireRank(op, "kernel", w, 4);
        ShapeInference.RequireEqual(op, $"input '{x.Name}' {x.Shape} channels and kernel '{w.Name}' {w.Shape} first dimension", x.Shape[1], w.Shape[0]);
        strides ??= [1, 1];
        dilations ??= [1, 1];
        long[] kernel = [SizeOf(op, w, 2), SizeOf(op, w, 3)];
        var shape = new TensorShape(
            x.Shape[0],
            w.Shape[1],
            Transposed(x.Shape[2], kernel[0], strides[0], dilations[0], pads[0], pads[2]),
            Transposed(x.Shape[3], kernel[1], strides[1], dilations[1], pads[1], pads[3]));
        return AddNode(op, [x, w], [(name, x.ElementType, shape)], ConvAttributes(kernel, pads, strides, dilations, 1))[0];

        static Dim Transposed(Dim d, long k, long stride, long dilation, long begin, long end) =>
            d.IsKnown ? Dim.Of((stride * (d.Size!.Value - 1)) + (dilation * (k - 1)) + 1 - begin - end) : Dim.Unknown;
    }

    private static KeyValuePair<string, AttributeValue>[] ConvAttributes(long[] kernel, long[] pads, long[] strides, long[] dilations, long group) =>
    [
        new("dilations", AttributeValue.Of(dilations)),
        new("group", AttributeValue.Of(group)),
        new("kernel_shape", AttributeValue.Of(kernel)),
        new("pads", AttributeValue.Of(pads)),
        new("strides", AttributeValue.Of(strides)),
    ];

    private static long SizeOf(string op, Value v, int axis) =>
        v.Shape[axis].Size ?? throw new GraphBuildException($"{op}: dimension {axis} of '{v.Name}' {v.Shape} must be known at build time.");
}
