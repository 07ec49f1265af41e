using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Concat: each input's gradient is its own slice of dY along the joined axis (whose sizes must be known).</summary>
internal sealed class ConcatGradient : IGradientRule
{
    public string OpType => "Concat";

    public void Backward(GradientContext context, Node node)
    {
        Value y = node.Outputs[0];
        int axis = y.Shape.NormalizeAxis((int)node.IntAttribute("axis", 0));
        Value dy = context.GradientOf(y);
        long offset = 0;
        foreach (Value? input in node.Inputs)
        {
            long size = input!.Shape[axis].Size ?? throw Unbroadcast.Unsupported(node, "inputs whose sizes along the axis are known at build time");
            if (context.NeedsGradient(input))
            {
                context.AddGradient(input, context.Graph.Slice(dy, axis, offset, offset + size, name: context.GradientName(input)));
            }

            offset += size;
        }
    }
}
