using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// A pooling-phase kernel (<see cref="LeNet.PoolingPhases"/>): the weights of a stride-k Conv made
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
        for (int i = 0; i < concat.Inputs.Count; i++)
        {
            long a = i / k;
            long b = i % k;
            if (concat.Inputs[i]?.Producer is not { OpType: "Pad" } pad
                || pad.Inputs[0] is not { } padded || (kernel is not null && padded != kernel)
                || pad.Attributes.TryGetValue("mode", out AttributeValue? mode) && mode.String != "constant"
                || pad.Inputs[1]?.Data?.Int64s is not { } pads || !pads.SequenceEqual([0, 0, a, b, 0, 0, k - 1 - a, k - 1 - b])
                || (pad.Inputs.Count > 2 && pad.Inputs[2] is { } fill && fill.Data?.Floats is not [0f]))
            {
                return null;
            }

            kernel = padded;
        }

        return kernel is { Shape.Rank: 4 } ? new PhaseKernel(kernel, k) : null;
    }
}
