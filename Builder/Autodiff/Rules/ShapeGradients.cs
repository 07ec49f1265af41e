using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Identity: the gradient passes through.</summary>
internal sealed class IdentityGradient : IGradientRule
{
    public string OpType => "Identity";

    public void Backward(GradientContext context, Node node) =>
        context.AddGradient(node.Inputs[0]!, context.GradientOf(node.Outputs[0]));
}

/// <summary>Flatten and Reshape: dX = Reshape(dY, Shape(X)).</summary>
internal sealed class ReshapeGradient(string opType) : IGradientRule
{
    public string OpType { get; } = opType;

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        context.AddGradient(x, context.Graph.ReshapeLike(context.GradientOf(node.Outputs[0]), x, name: context.GradientName(x)));
    }
}

/// <summary>Transpose: dX = Transpose(dY) with the inverse permutation.</summary>
internal sealed class TransposeGradient : IGradientRule
{
    public string OpType => "Transpose";

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        long[] perm = node.IntsAttribute("perm", [.. Enumerable.Range(0, x.Shape.Rank).Reverse().Select(i => (long)i)]);
        long[] inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        context.AddGradient(x, context.Graph.Transpose(context.GradientOf(node.Outputs[0]), inverse, name: context.GradientName(x)));
    }
}

/// <summary>Constant Pad of the spatial axes: dX is dY with the padding cropped away.</summary>
internal sealed class PadGradient : IGradientRule
{
    public string OpType => "Pad";

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        long[]? pads = node.Inputs[1]?.Data?.Int64s;
        bool constantMode = !node.Attributes.TryGetValue("mode", out AttributeValue? mode) || mode.String == "constant";
        if (!constantMode || pads is null || pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(p => p < 0))
        {
            throw Unbroadcast.Unsupported(node, "constant, non-negative padding of the last two axes of a 4-D tensor given as a stored constant");
        }

        context.AddGradient(x, context.Graph.Crop2D(context.GradientOf(node.Outputs[0]), [pads[2], pads[3], pads[6], pads[7]], name: context.GradientName(x)));
    }
}
