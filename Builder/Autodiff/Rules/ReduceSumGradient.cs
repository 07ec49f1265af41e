using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// ReduceSum, with kept dimensions or over every axis: each input element contributes once to
/// its sum, so dX is dY broadcast back to X's shape. dY is handed on in that broadcastable form
/// (see <see cref="GradientContext.BroadcastGradientOf"/>); a rule that needs X's shape gets it
/// expanded. A partial reduction that drops its axes would need them re-inserted first; it is refused.
/// </summary>
internal sealed class ReduceSumGradient : IGradientRule
{
    public string OpType => "ReduceSum";

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        bool keepDims = node.IntAttribute("keepdims", 1) != 0;
        bool allAxes = node.Inputs.Count < 2 || node.Inputs[1] is null;
        if (!keepDims && !allAxes)
        {
            throw Unbroadcast.Unsupported(node, "keepdims=1, or a reduction over every axis");
        }

        context.AddGradient(x, context.BroadcastGradientOf(node.Outputs[0]));
    }
}
