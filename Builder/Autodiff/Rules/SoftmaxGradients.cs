using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>Softmax along one axis: dX = Y·(dY − Σ(dY·Y)).</summary>
internal sealed class SoftmaxGradient : IGradientRule
{
    public string OpType => "Softmax";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value y = node.Outputs[0];
        Value dy = context.GradientOf(y);
        long axis = node.IntAttribute("axis", -1);
        Value dot = g.ReduceSum(g.Mul(dy, y), [axis], keepDims: true);
        context.AddGradient(node.Inputs[0]!, g.Mul(y, g.Sub(dy, dot), name: context.GradientName(node.Inputs[0]!)));
    }
}

/// <summary>
/// SoftmaxCrossEntropyLoss with mean reduction, no weights, no ignored index:
/// dScores = (exp(log_prob) − one_hot(labels)) / N · dLoss.
/// </summary>
internal sealed class SoftmaxCrossEntropyLossGradient : IGradientRule
{
    public string OpType => "SoftmaxCrossEntropyLoss";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        bool mean = !node.Attributes.TryGetValue("reduction", out AttributeValue? reduction) || reduction.String == "mean";
        if (!mean || node.Inputs.Count > 2 || node.Attributes.ContainsKey("ignore_index") || node.Outputs.Count < 2)
        {
            throw Unbroadcast.Unsupported(node, "mean reduction without weights or ignore_index, with its log_prob output");
        }

        Value scores = node.Inputs[0]!;
        Value labels = node.Inputs[1]!;
        int classes = (int)(scores.Shape[1].Size ?? throw Unbroadcast.Unsupported(node, "a class count known at build time"));
        Value difference = g.Sub(g.Exp(node.Outputs[1]), g.OneHot(labels, classes));
        Value batch = g.Cast(g.ReduceProdAll(g.ShapeOf(labels)), ElementType.Float);
        Value dLoss = context.GradientOf(node.Outputs[0]);
        string? name = context.GradientName(scores);
        Value dScores = context.IsUnitSeed(dLoss)
            ? g.Div(difference, batch, name: name)
            : g.Mul(g.Div(difference, batch), dLoss, name: name);
        context.AddGradient(scores, dScores);
    }
}
