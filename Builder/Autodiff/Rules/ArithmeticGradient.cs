using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Add, Sub, Mul and Div with broadcasting; each input's gradient is summed back to its shape.</summary>
internal sealed class ArithmeticGradient(string opType) : IGradientRule
{
    public string OpType { get; } = opType;

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value a = node.Inputs[0]!;
        Value b = node.Inputs[1]!;
        Value y = node.Outputs[0];
        Value dy = context.GradientOf(y);
        if (context.NeedsGradient(a))
        {
            Value da = OpType switch
            {
                "Add" or "Sub" => dy,
                "Mul" => g.Mul(dy, b),
                _ => g.Div(dy, b),
            };
            context.AddGradient(a, Unbroadcast.SumToShape(g, da, a.Shape, context.GradientName(a)));
        }

        if (context.NeedsGradient(b))
        {
            Value db = OpType switch
            {
                "Add" => dy,
                "Sub" => g.Neg(dy),
                "Mul" => g.Mul(dy, a),
                _ => g.Neg(g.Div(g.Mul(dy, y), b)),
            };
            context.AddGradient(b, Unbroadcast.SumToShape(g, db, b.Shape, context.GradientName(b)));
        }
    }
}

/// <summary>Neg: dX = −dY.</summary>
internal sealed class NegGradient : IGradientRule
{
    public string OpType => "Neg";

    public void Backward(GradientContext context, Node node) =>
        context.AddGradient(node.Inputs[0]!, context.Graph.Neg(context.GradientOf(node.Outputs[0]), name: context.GradientName(node.Inputs[0]!)));
}
