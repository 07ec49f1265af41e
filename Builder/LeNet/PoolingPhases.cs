using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// Convolution (stride 1) → elementwise activation → k×k average pooling, in the form training
/// graphs use: the k² phases of the convolution's output (the pixel at offset (a, b) of every
/// pooling window) come from one convolution with stride k and a (K + k − 1)² kernel holding the
/// K×K kernel shifted by (a, b), one block of output channels per phase, laid out as
/// <c>[N, k², M, H/k, W/k]</c>; pooling is the mean over the phase axis.
/// </summary>
/// <remarks>
/// The function is the same (up to the rounding of the sums); what changes is the backward pass.
/// The pooling gradient is the same for every phase, so it stays a broadcast instead of a
/// written-out nearest upsampling, and the weight gradient is a correlation with a k²-times
/// smaller im2col buffer: ONNX Runtime's CPU Conv spends most of a LeNet training step filling
/// im2col buffers for the weight gradients, since the weights of a training graph are inputs
/// (measurements in <c>bench/results/README.md</c>).
/// </remarks>
internal static class PoolingPhases
{
    /// <summary>True when the stride-1 convolution's output of <paramref name="convolutionOutput"/> rows and columns tiles into windows of <paramref name="window"/>.</summary>
    public static bool Tile(long convolutionOutput, int window) => window > 1 && convolutionOutput % window == 0;

    /// <summary>
    /// The convolution of <paramref name="x"/> with <paramref name="w"/> <c>[M,C,K,K]</c> and
    /// <paramref name="b"/> (pads <paramref name="padding"/>), before activation, as its pooling
    /// phases <c>[N, window², M, H/window, W/window]</c>.
    /// </summary>
    public static Value Convolution(Graph g, Value x, Value w, Value b, long padding, int window, string prefix)
    {
        var kernels = new List<Value>();
        for (int phase = 0; phase < window * window; phase++)
        {
            kernels.Add(g.Pad2D(w, KernelPads(phase, window), name: $"{prefix}.phase_weight_{phase / window}{phase % window}"));
        }

        Value weights = g.Concat(kernels, 0, name: $"{prefix}.phase_weight");
        Value biases = g.Concat(Enumerable.Repeat(b, window * window).ToArray(), 0, name: $"{prefix}.phase_bias");
        Value y = g.Conv(x, weights, biases, pads: [padding, padding, padding, padding], strides: [window, window], name: $"{prefix}.phase_conv");
        return g.Reshape(y, [0, window * window, Known(w, 0), Known(y, 2), Known(y, 3)], name: $"{prefix}.phases");
    }

    /// <summary>
    /// How the K×K kernel is padded into the (K + k − 1)² kernel of phase number
    /// <paramref name="phase"/> (row-major over the offsets (a, b) of a k×k window, the order of the
    /// output-channel blocks): <c>[top, left, bottom, right]</c> = <c>[a, b, k − 1 − a, k − 1 − b]</c>.
    /// </summary>
    public static long[] KernelPads(int phase, long window)
    {
        long a = phase / window;
        long b = phase % window;
        return [a, b, window - 1 - a, window - 1 - b];
    }

    /// <summary>The average pooling of activated <paramref name="phases"/> <c>[N, k², M, h, w]</c>: their mean over the phase axis, <c>[N, M, h, w]</c>.</summary>
    public static Value Mean(Graph g, Value phases, string name)
    {
        long count = Known(phases, 1);
        Value sum = g.ReduceSum(phases, [1], keepDims: true, name: $"{name}_sum");
        Value mean = g.Mul(sum, g.Scalar(1f / count), name: $"{name}_mean");
        return g.Reshape(mean, [0, Known(phases, 2), Known(phases, 3), Known(phases, 4)], name: name);
    }

    private static long Known(Value v, int axis) =>
        v.Shape[axis].Size ?? throw new GraphBuildException($"Dimension {axis} of '{v.Name}' {v.Shape} must be known at build time.");
}
