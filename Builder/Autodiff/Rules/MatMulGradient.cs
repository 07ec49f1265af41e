using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>2-D MatMul Y = A·B: dA = dY·Bᵀ, dB = Aᵀ·dY (as Gemm with transposes).</summary>
internal sealed class MatMulGradient : IGradientRule
{
    public string OpType => "MatMul";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value a = node.Inputs[0]!;
        Value b = node.Inputs[1]!;
        if (a.Shape.Rank != 2 || b.Shape.Rank != 2)
        {
            throw Unbroadcast.Unsupported(node, "2-D operands");
        }

        Value dy = context.GradientOf(node.Outputs[0]);
        if (context.NeedsGradient(a))
        {
            context.AddGradient(a, g.Gemm(dy, b, null, transB: true, name: context.GradientName(a)));
        }

        if (context.NeedsGradient(b))
        {
            context.AddGradient(b, g.Gemm(a, dy, null, transA: true, name: context.GradientName(b)));
        }
    }
}
