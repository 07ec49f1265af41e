using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Gemm Y = A·op(B) + C (alpha = beta = 1, A not transposed): dA, dB by Gemm, dC by summing dY.</summary>
internal sealed class GemmGradient : IGradientRule
{
    public string OpType => "Gemm";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        if (node.IntAttribute("transA", 0) != 0 || node.FloatAttribute("alpha", 1f) != 1f || node.FloatAttribute("beta", 1f) != 1f)
        {
            throw Unbroadcast.Unsupported(node, "transA = 0, alpha = 1 and beta = 1");
        }

        bool transB = node.IntAttribute("transB", 0) != 0;
        Value a = node.Inputs[0]!;
        Value b = node.Inputs[1]!;
        Value? c = node.Inputs.Count > 2 ? node.Inputs[2] : null;
        Value dy = context.GradientOf(node.Outputs[0]);
        if (context.NeedsGradient(a))
        {
            context.AddGradient(a, g.Gemm(dy, b, null, transB: !transB, name: context.GradientName(a)));
        }

        if (context.NeedsGradient(b))
        {
            Value db = transB
                ? g.Gemm(dy, a, null, transA: true, name: context.GradientName(b))
                : g.Gemm(a, dy, null, transA: true, name: context.GradientName(b));
            context.AddGradient(b, db);
        }

        if (c is not null && context.NeedsGradient(c))
        {
            context.AddGradient(c, Unbroadcast.SumToShape(g, dy, c.Shape, context.GradientName(c)));
        }
    }
}
