using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// Conv, group 1, any strides and dilations whose windows use every input row and column:
/// dX = ConvTranspose(dY, W) with the forward pads, strides and dilations (for a pooling-phase
/// kernel, <see cref="PhaseKernel"/>, the stride-1 ConvTranspose of the phases put back in place
/// with the plain kernel); dW is the correlation
/// of X with dY, computed as a Conv with the batch as channels (dY's taps spaced by the forward
/// strides, stepping by the forward dilations); dB sums dY.
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
        long[] pads = node.IntsAttribute("pads", [0, 0, 0, 0]);
        long[] strides = node.IntsAttribute("strides", [1, 1]);
        long[] dilations = node.IntsAttribute("dilations", [1, 1]);
        if (node.IntAttribute("group", 1) != 1 || !WindowsTile(x, w, pads, strides, dilations))
        {
            throw Unbroadcast.Unsupported(node, "group 1 and windows that reach the last input row and column (padded size − window span divisible by the stride)");
        }

        Value dy = context.GradientOf(node.Outputs[0]);
        if (context.NeedsGradient(x))
        {
            context.AddGradient(x, PhaseKernel.Of(w, strides, dilations) is { } phases
                ? g.ConvTranspose(g.DepthToSpace(dy, phases.Window), phases.Kernel, pads, name: context.GradientName(x))
                : g.ConvTranspose(dy, w, pads, name: context.GradientName(x), strides: strides, dilations: dilations));
        }

        if (context.NeedsGradient(w))
        {
            // Swapping batch and channel axes turns "sum over images of X (*) dY" into one Conv.
            // With one input channel the swap of X moves only a 1, so a Reshape does it without a copy.
            Value xt = x.Shape[1].Size == 1 && x.Shape[2].IsKnown && x.Shape[3].IsKnown
                ? g.Reshape(x, [1, -1, x.Shape[2].Size!.Value, x.Shape[3].Size!.Value])
                : g.Transpose(x, [1, 0, 2, 3]);
            Value dyt = g.Transpose(dy, [1, 0, 2, 3]);
            Value dwt = g.Conv(xt, dyt, null, pads: pads, strides: dilations, dilations: strides);
            context.AddGradient(w, g.Transpose(dwt, [1, 0, 2, 3], name: context.GradientName(w)));
        }

        if (bias is not null && context.NeedsGradient(bias))
        {
            context.AddGradient(bias, g.ReduceSum(dy, [0, 2, 3], keepDims: false, name: context.GradientName(bias)));
        }
    }

    /// <summary>
    /// True when the last window along each spatial axis ends at the padded input's edge, so the
    /// transposed convolution gives back X's size and the weight correlation the kernel's.
    /// </summary>
    private static bool WindowsTile(Value x, Value w, long[] pads, long[] strides, long[] dilations)
    {
        if (strides.All(s => s == 1))
        {
            return true;
        }

        for (int axis = 0; axis < 2; axis++)
        {
            if (x.Shape[axis + 2].Size is not { } size || w.Shape[axis + 2].Size is not { } kernel)
            {
                return false;
            }

            long span = (dilations[axis] * (kernel - 1)) + 1;
            if ((size + pads[axis] + pads[axis + 2] - span) % strides[axis] != 0)
            {
                return false;
            }
        }

        return true;
    }
}
