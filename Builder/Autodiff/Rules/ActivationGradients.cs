using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Sigmoid: dX = dY·Y·(1 − Y), from the forward output; dY may be in broadcastable form.</summary>
internal sealed class SigmoidGradient : IGradientRule
{
    public string OpType => "Sigmoid";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value y = node.Outputs[0];
        Value slope = g.Mul(y, g.Sub(g.Scalar(1f), y));
        context.AddGradient(node.Inputs[0]!, g.Mul(context.BroadcastGradientOf(y), slope, name: context.GradientName(node.Inputs[0]!)));
    }
}

/// <summary>Tanh: dX = dY·(1 − Y²), from the forward output; dY may be in broadcastable form.</summary>
internal sealed class TanhGradient : IGradientRule
{
    public string OpType => "Tanh";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value y = node.Outputs[0];
        Value slope = g.Sub(g.Scalar(1f), g.Mul(y, y));
        context.AddGradient(node.Inputs[0]!, g.Mul(context.BroadcastGradientOf(y), slope, name: context.GradientName(node.Inputs[0]!)));
    }
}

/// <summary>Relu: dX = dY where the output is positive, else 0 (PyTorch's choice at 0); dY may be in broadcastable form.</summary>
internal sealed class ReluGradient : IGradientRule
{
    public string OpType => "Relu";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value y = node.Outputs[0];
        Value positive = g.Greater(y, g.Scalar(0f));
        context.AddGradient(node.Inputs[0]!, g.Where(positive, context.BroadcastGradientOf(y), g.Scalar(0f), name: context.GradientName(node.Inputs[0]!)));
    }
}
