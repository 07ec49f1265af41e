using System.Globalization;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>
/// Floating-point work per image of a LeNet-5: two FLOP per multiply-accumulate of its
/// convolution and dense layers (pooling, activations and biases are left out, as usual).
/// Training adds the weight gradients (as much work again) and the input gradients of every
/// layer but the first.
/// </summary>
/// <param name="ForwardFlop">FLOP of one image's forward pass.</param>
/// <param name="TrainingFlop">FLOP of one image's forward and backward pass.</param>
internal sealed record NetworkCost(long ForwardFlop, long TrainingFlop)
{
    public static NetworkCost Of(LeNetModel model)
    {
        long[] macs = model.Layers
            .Where(l => l.Operation.StartsWith("Conv", StringComparison.Ordinal) || l.Operation.StartsWith("Gemm", StringComparison.Ordinal))
            .Select(l => l.Connections - Units(l.OutputShape))
            .ToArray();
        long forward = 2 * macs.Sum();
        return new NetworkCost(forward, (3 * forward) - (2 * macs[0]));
    }

    /// <summary>Output units of a layer from its per-image shape, e.g. "6x28x28" is 4,704; each has one bias link.</summary>
    private static long Units(string shape) =>
        shape.Split('x').Aggregate(1L, (product, dim) => product * long.Parse(dim, CultureInfo.InvariantCulture));
}
