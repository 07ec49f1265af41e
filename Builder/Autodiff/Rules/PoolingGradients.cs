using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff.Rules;

/// <summary>
/// AveragePool with non-overlapping windows that tile the input: each input element receives
/// dY/k² of its window, computed as "scale, then nearest upsampling" (the fastest form measured).
/// </summary>
internal sealed class AveragePoolGradient : IGradientRule
{
    public string OpType => "AveragePool";

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        int k = PoolWindow.Tiling(node, x, node.Outputs[0]);
        Graph g = context.Graph;
        Value dy = context.GradientOf(node.Outputs[0]);
        Value scaled = g.Mul(dy, g.Scalar(1f / (k * k)));
        context.AddGradient(x, g.UpsampleNearest(scaled, k, name: context.GradientName(x)));
    }
}

/// <summary>
/// MaxPool with non-overlapping windows: each window's gradient goes to the element MaxPool
/// chose (the first maximum on ties, as PyTorch), scattered by the flat indices MaxPool returns.
/// </summary>
internal sealed class MaxPoolGradient : IGradientRule
{
    public string OpType => "MaxPool";

    public void Backward(GradientContext context, Node node)
    {
        Value x = node.Inputs[0]!;
        int k = PoolWindow.Tiling(node, x, node.Outputs[0], requireExact: false);
        Graph g = context.Graph;
        Value indices = node.Outputs.Count > 1 ? node.Outputs[1] : g.MaxPoolWithIndices(x, k, k).Indices;
        Value dy = context.GradientOf(node.Outputs[0]);

        // Windows do not overlap, so every index is written at most once: plain ScatterElements
        // (valid from opset 13) into zeros of X's size; rows and columns a window never covers stay 0.
        Value count = g.ReduceProdAll(g.ShapeOf(x));
        Value zeros = g.ConstantOfShape(count, 0f, new TensorShape(Dim.Unknown));
        Value scattered = g.ScatterElements(zeros, g.Reshape(indices, [-1]), g.Reshape(dy, [-1]), axis: 0);
        context.AddGradient(x, g.ReshapeLike(scattered, x, name: context.GradientName(x)));
    }
}

/// <summary>Checks the pooling forms the gradients support.</summary>
internal static class PoolWindow
{
    public static int Tiling(Node node, Value x, Value y, bool requireExact = true)
    {
        long[] kernel = node.IntsAttribute("kernel_shape", []);
        long[] strides = node.IntsAttribute("strides", [1, 1]);
        long[] pads = node.IntsAttribute("pads", [0, 0, 0, 0]);
        bool square = kernel.Length == 2 && kernel[0] == kernel[1] && strides.SequenceEqual(kernel);
        if (!square || pads.Any(p => p != 0) || node.IntAttribute("ceil_mode", 0) != 0)
        {
            throw Unbroadcast.Unsupported(node, "square windows with stride equal to the window, no padding and ceil_mode 0");
        }

        int k = (int)kernel[0];
        for (int axis = 2; requireExact && axis < 4; axis++)
        {
            if (x.Shape[axis].Size is not { } size || y.Shape[axis].Size is not { } pooled || size != pooled * k)
            {
                throw Unbroadcast.Unsupported(node, $"windows that tile the input exactly (input {x.Shape}, output {y.Shape})");
            }
        }

        return k;
    }
}
