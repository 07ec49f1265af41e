using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Undoes broadcasting in a gradient: sums over the axes along which an input was broadcast.</summary>
internal static class Unbroadcast
{
    public static Value SumToShape(Graph g, Value gradient, TensorShape target, string? name)
    {
        if (gradient.Shape.Equals(target))
        {
            return gradient;
        }

        int extra = gradient.Shape.Rank - target.Rank;
        var axes = new List<long>();
        for (int i = 0; i < gradient.Shape.Rank; i++)
        {
            if (i < extra || (target[i - extra].Size == 1 && gradient.Shape[i].Size != 1))
            {
                axes.Add(i);
            }
        }

        if (extra == 0)
        {
            return g.ReduceSum(gradient, [.. axes], keepDims: true, name: name);
        }

        Value summed = g.ReduceSum(gradient, [.. axes], keepDims: true);
        return target.IsFullyKnown
            ? g.Reshape(summed, target.Rank == 0 ? [] : target.ToSizes(), name: name)
            : throw new GraphBuildException($"Cannot sum the gradient '{gradient.Name}' {gradient.Shape} to the shape {target}: it is not known at build time.");
    }

    public static GraphBuildException Unsupported(Node node, string what) =>
        new($"The gradient of {node.OpType} (node '{node.Name}') supports {what} only.");
}
