namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>Sum over <paramref name="axes"/> (all axes when empty). Axes go in as an input, the form of opset 13 and later.</summary>
    public Value ReduceSum(Value x, long[] axes, bool keepDims, string? name = null)
    {
        TensorShape shape = ReducedShape("ReduceSum", x, axes, keepDims);
        List<Value?> inputs = [x];
        if (axes.Length > 0)
        {
            inputs.Add(Int64s(axes));
        }

        return AddNode("ReduceSum", inputs, [(name, x.ElementType, shape)], [new("keepdims", AttributeValue.Of(keepDims ? 1L : 0L))])[0];
    }

    /// <summary>Product of all elements, kept as a 1-element tensor (used to count elements of a dynamic shape).</summary>
    public Value ReduceProdAll(Value x, string? name = null) =>
        AddNode("ReduceProd", [x], [(name, x.ElementType, new TensorShape(Enumerable.Repeat(Dim.Of(1), x.Shape.Rank).ToArray()))], [new("keepdims", AttributeValue.Of(1L))])[0];

    /// <summary>Index of the largest element along <paramref name="axis"/> (the first one on ties), as int64.</summary>
    public Value ArgMax(Value x, int axis, bool keepDims, string? name = null)
    {
        int a = x.Shape.NormalizeAxis(axis);
        TensorShape shape = ReducedShape("ArgMax", x, [a], keepDims);
        KeyValuePair<string, AttributeValue>[] attributes =
        [
            new("axis", AttributeValue.Of((long)a)),
            new("keepdims", AttributeValue.Of(keepDims ? 1L : 0L)),
            new("select_last_index", AttributeValue.Of(0L)),
        ];
        return AddNode("ArgMax", [x], [(name, ElementType.Int64, shape)], attributes)[0];
    }

    private static TensorShape ReducedShape(string op, Value x, long[] axes, bool keepDims)
    {
        var reduced = new HashSet<int>(axes.Length == 0 ? Enumerable.Range(0, x.Shape.Rank) : axes.Select(a => x.Shape.NormalizeAxis((int)a)));
        if (axes.Length != 0 && reduced.Count != axes.Length)
        {
            throw new GraphBuildException($"{op}: axes [{string.Join(",", axes)}] repeat an axis of '{x.Name}' {x.Shape}.");
        }

        var dims = new List<Dim>();
        for (int i = 0; i < x.Shape.Rank; i++)
        {
            if (!reduced.Contains(i))
            {
                dims.Add(x.Shape[i]);
            }
            else if (keepDims)
            {
                dims.Add(Dim.Of(1));
            }
        }

        return new TensorShape(dims.ToArray());
    }
}
