using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// Conv, stride 1, group 1: dX = ConvTranspose(dY, W) with the forward pads; dW is the
/// correlation of X with dY, computed as a Conv with the batch as channels; dB sums dY.
/// </summary>
internal sealed class ConvGradient : IGradientRule
{
    public string OpType => "Conv";

    public void Backward(GradientContext context, Node node)
    {
        Graph g = context.Graph;
        Value x = node.Inputs[0]!;
        Value w = node.Inputs[1]!;
        Value? bias = node.Inputs.Count > 2 ? node.Inputs[2] : null;
        long[] pads = Unbroadcast.Ints(node, "pads", [0, 0, 0, 0]);
        if (Unbroadcast.Ints(node, "strides", [1, 1]).Any(s => s != 1)
            || Unbroadcast.Ints(node, "dilations", [1, 1]).Any(d => d != 1)
            || Unbroadcast.Int(node, "group", 1) != 1)
        {
            throw Unbroadcast.Unsupported(node, "stride 1, dilation 1 and group 1");
        }

        Value dy = context.GradientOf(node.Outputs[0]);
        if (context.NeedsGradient(x))
        {
            context.AddGradient(x, g.ConvTranspose(dy, w, pads, name: context.GradientName(x)));
        }

        if (context.NeedsGradient(w))
        {
            // Swapping batch and channel axes turns "sum over images of X (*) dY" into one Conv.
            Value xt = g.Transpose(x, [1, 0, 2, 3]);
            Value dyt = g.Transpose(dy, [1, 0, 2, 3]);
            Value dwt = g.Conv(xt, dyt, null, pads: pads);
            context.AddGradient(w, g.Transpose(dwt, [1, 0, 2, 3], name: context.GradientName(w)));
        }

        if (bias is not null && context.NeedsGradient(bias))
        {
            context.AddGradient(bias, g.ReduceSum(dy, [0, 2, 3], keepDims: false, name: context.GradientName(bias)));
        }
    }
}
