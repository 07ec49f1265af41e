namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>2-D average pooling of <c>[N,C,H,W]</c> (padding, if any, not counted).</summary>
    public Value AveragePool(Value x, long kernel, long stride, string? name = null) =>
        Pool("AveragePool", x, kernel, stride, name, new("count_include_pad", AttributeValue.Of(0L)));

    /// <summary>2-D max pooling of <c>[N,C,H,W]</c>.</summary>
    public Value MaxPool(Value x, long kernel, long stride, string? name = null) =>
        Pool("MaxPool", x, kernel, stride, name, new("storage_order", AttributeValue.Of(0L)));

    /// <summary>
    /// 2-D max pooling that also returns, per output, the flat index of the chosen input
    /// element over the whole <c>[N,C,H,W]</c> tensor (row-major; the first maximum on ties).
    /// </summary>
    public (Value Output, Value Indices) MaxPoolWithIndices(Value x, long kernel, long stride, string? name = null)
    {
        ShapeInference.RequireRank("MaxPool", "input", x, 4);
        TensorShape shape = PooledShape("MaxPool", x, kernel, stride);
        Value[] outputs = AddNode(
            "MaxPool",
            [x],
            [(name, x.ElementType, shape), (name is null ? null : name + ".indices", ElementType.Int64, shape)],
            PoolAttributes(kernel, stride, new("storage_order", AttributeValue.Of(0L))));
        return (outputs[0], outputs[1]);
    }

    private static TensorShape PooledShape(string op, Value x, long kernel, long stride) => new(
        x.Shape[0],
        x.Shape[1],
        ShapeInference.Window(op, x.Shape, x.Shape[2], kernel, stride, 0, 0, 1),
        ShapeInference.Window(op, x.Shape, x.Shape[3], kernel, stride, 0, 0, 1));

    private static KeyValuePair<string, AttributeValue>[] PoolAttributes(long kernel, long stride, KeyValuePair<string, AttributeValue> extra) =>
    [
        new("ceil_mode", AttributeValue.Of(0L)),
        new("kernel_shape", AttributeValue.Of(kernel, kernel)),
        new("pads", AttributeValue.Of(0L, 0L, 0L, 0L)),
        new("strides", AttributeValue.Of(stride, stride)),
        extra,
    ];

    private Value Pool(string op, Value x, long kernel, long stride, string? name, KeyValuePair<string, AttributeValue> extra)
    {
        ShapeInference.RequireRank(op, "input", x, 4);
        return AddNode(op, [x], [(name, x.ElementType, PooledShape(op, x, kernel, stride))], PoolAttributes(kernel, stride, extra))[0];
    }
}
