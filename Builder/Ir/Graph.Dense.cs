namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// General matrix multiply <c>alpha·op(a)·op(b) + beta·c</c>, where op transposes when asked.
    /// With <paramref name="transB"/> the weight is PyTorch's <c>[out, in]</c> layout.
    /// </summary>
    public Value Gemm(Value a, Value b, Value? c, bool transA = false, bool transB = false, float alpha = 1f, float beta = 1f, string? name = null)
    {
        const string op = "Gemm";
        ShapeInference.RequireRank(op, "A", a, 2);
        ShapeInference.RequireRank(op, "B", b, 2);
        ShapeInference.RequireSameType(op, a, b);
        Dim m = transA ? a.Shape[1] : a.Shape[0];
        Dim ka = transA ? a.Shape[0] : a.Shape[1];
        Dim kb = transB ? b.Shape[1] : b.Shape[0];
        Dim n = transB ? b.Shape[0] : b.Shape[1];
        ShapeInference.RequireEqual(op, $"the inner dimensions of '{a.Name}' {a.Shape} and '{b.Name}' {b.Shape}", ka, kb);
        var shape = new TensorShape(m, n);
        var inputs = new List<Value?> { a, b };
        if (c is not null)
        {
            ShapeInference.RequireSameType(op, a, c);
            if (!ShapeInference.Broadcast(op, shape, c.Shape).Equals(shape))
            {
                throw new GraphBuildException($"{op}: C '{c.Name}' {c.Shape} must broadcast to the result {shape}.");
            }

            inputs.Add(c);
        }

        KeyValuePair<string, AttributeValue>[] attributes =
        [
            new("alpha", AttributeValue.Of(alpha)),
            new("beta", AttributeValue.Of(beta)),
            new("transA", AttributeValue.Of(transA ? 1L : 0L)),
            new("transB", AttributeValue.Of(transB ? 1L : 0L)),
        ];
        return AddNode(op, inputs, [(name, a.ElementType, shape)], attributes)[0];
    }
}
