namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>2-D average pooling of <c>[N,C,H,W]</c> (padding, if any, not counted).</summary>
    public Value AveragePool(Value x, long kernel, long stride, string? name = null) =>
        Pool("AveragePool", x, kernel, stride, name, new("count_include_pad", AttributeValue.Of(0L)));

    /// <summary>2-D max pooling of <c>[N,C,H,W]</c>.</summary>
    public Value MaxPool(Value x, long kernel, long stride, string? name = null) =>
        Pool("MaxPool", x, kernel, stride, name, new("storage_order", AttributeValue.Of(0L)));

    private Value Pool(string op, Value x, long kernel, long stride, string? name, KeyValuePair<string, AttributeValue> extra)
    {
        ShapeInference.RequireRank(op, "input", x, 4);
        var shape = new TensorShape(
            x.Shape[0],
            x.Shape[1],
            ShapeInference.Window(op, x.Shape, x.Shape[2], kernel, stride, 0, 0, 1),
            ShapeInference.Window(op, x.Shape, x.Shape[3], kernel, stride, 0, 0, 1));
        KeyValuePair<string, AttributeValue>[] attributes =
        [
            new("ceil_mode", AttributeValue.Of(0L)),
            new("kernel_shape", AttributeValue.Of(kernel, kernel)),
            new("pads", AttributeValue.Of(0L, 0L, 0L, 0L)),
            new("strides", AttributeValue.Of(stride, stride)),
            extra,
        ];
        return AddNode(op, [x], [(name, x.ElementType, shape)], attributes)[0];
    }
}
