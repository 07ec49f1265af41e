using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// A pooling-phase kernel (<see cref="PoolingPhases"/>, whose <see cref="PoolingPhases.KernelPads"/> says the layout): the weights of a stride-k Conv made
/// as the Concat, on the output-channel axis, of one K×K kernel zero-padded to (K + k − 1)² at each
/// of the k² offsets (a, b) in row-major order. Such a Conv computes the k² phases of the stride-1
/// Conv with the K×K kernel, one block of output channels per phase, so its input gradient is the
/// stride-1 ConvTranspose of the phases put back in place (DepthToSpace): the same sums without the
/// zero taps, which ONNX Runtime's CPU ConvTranspose runs faster.
/// </summary>
internal sealed record PhaseKernel(Value Kernel, long Window)
{
    /// <summary>The plain kernel behind <paramref name="weights"/> of a Conv with <paramref name="strides"/> and <paramref name="dilations"/>, or null when they are not a pooling-phase kernel.</summary>
    public static PhaseKernel? Of(Value weights, long[] strides, long[] dilations)
    {
        long k = strides[0];
        if (k < 2 || strides[1] != k || dilations.Any(d => d != 1)
            || weights.Producer is not { OpType: "Concat" } concat
            || concat.Attributes["axis"].Int != 0 || concat.Inputs.Count != k * k)
        {
            return null;
        }

        Value? kernel = null;
        for (int phase = 0; phase < concat.Inputs.Count; phase++)
        {
            if (concat.Inputs[phase]?.Producer is not { OpType: "Pad" } pad
                || pad.Inputs[0] is not { } padded
                || (kernel is not null && padded != kernel)
                || !PadsKernelLike(pad, PoolingPhases.KernelPads(phase, k)))
            {
                return null;
            }

            kernel = padded;
        }

        return kernel is { Shape.Rank: 4 } ? new PhaseKernel(kernel, k) : null;
    }

    /// <summary>True when <paramref name="pad"/> pads only the two spatial axes with zeros by <paramref name="spatial"/> (<c>[top, left, bottom, right]</c>).</summary>
    private static bool PadsKernelLike(Node pad, long[] spatial)
    {
        bool constantMode = !pad.Attributes.TryGetValue("mode", out AttributeValue? mode) || mode.String == "constant";
        bool zeroFill = pad.Inputs.Count < 3 || pad.Inputs[2] is null || pad.Inputs[2]!.Data?.Floats is [0f];
        return constantMode && zeroFill
            && pad.Inputs[1]?.Data?.Int64s is { } pads
            && pads.SequenceEqual([0, 0, spatial[0], spatial[1], 0, 0, spatial[2], spatial[3]]);
    }
}
