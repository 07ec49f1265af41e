using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// Reads a foreign graph as the chain of layers its input flows through to its output, in the
/// forms exporters emit: Conv, Sigmoid/Relu/Tanh, AveragePool/MaxPool (with or without a Pad of
/// nothing before it), Flatten or a Reshape (whatever Shape/Gather/Unsqueeze/Concat side chain
/// computes its shape), Gemm or MatMul + Add, a trailing Softmax or LogSoftmax; scalar Mul, Div,
/// Add, Sub and a Pad in front as preprocessing; Identity and Dropout skipped.
/// </summary>
internal static class LayerChainReader
{
    // Far more nodes than any LeNet-5 export has; a longer chain is not one.
    private const int MaxLayers = 200;

    /// <exception cref="ModelImportException">A node that no LeNet-5 has, a branch, or a constant where the chain needs one and finds none.</exception>
    public static List<ForeignLayer> Read(ForeignGraph graph, string input)
    {
        var layers = new List<ForeignLayer>();
        string current = input;
        while (!graph.IsOutput(current))
        {
            if (layers.Count > MaxLayers)
            {
                throw Refuse(graph, $"its input flows through more than {MaxLayers} nodes; a LeNet-5 has about 15");
            }

            NodeProto node = MainConsumer(graph, current);
            string where = ForeignGraph.Describe(node);
            switch (node.OpType)
            {
                case "Identity" or "Dropout":
                    break;
                case "Mul" or "Div" or "Add" or "Sub":
                    layers.Add(Affine(graph, node, current, where));
                    break;
                case "Pad":
                    if (Pad(graph, node, where) is { } pad)
                    {
                        layers.Add(pad);
                    }

                    break;
                case "Resize":
                    layers.Add(Resize(graph, node, where));
                    break;
                case "Conv":
                    layers.Add(Conv(graph, node, where));
                    break;
                case "Sigmoid" or "Relu" or "Tanh":
                    layers.Add(new ActivationLayer(where, node.OpType));
                    break;
                case "AveragePool" or "MaxPool":
                    layers.Add(Pool(graph, node, where));
                    break;
                case "Flatten":
                    if (ForeignGraph.Int(node, "axis", 1) != 1)
                    {
                        throw Refuse(graph, $"{where} flattens from axis {ForeignGraph.Int(node, "axis", 1)}; a LeNet-5 flattens each image (axis 1)");
                    }

                    layers.Add(new FlattenLayer(where));
                    break;
                case "Reshape":
                    // A constant shape must be [batch, features]; a computed one is taken as
                    // flattening, which the comparison of both models' outputs then proves.
                    if (graph.Constant(node.Input[1]) is { Integers: { } shape } && shape.Length != 2)
                    {
                        throw Refuse(graph, $"{where} reshapes to [{string.Join(",", shape)}]; a LeNet-5 only flattens each image to [N, features]");
                    }

                    layers.Add(new FlattenLayer(where));
                    break;
                case "Gemm":
                    layers.Add(Gemm(graph, node, current, where));
                    break;
                case "MatMul":
                    (DenseLayer dense, current) = MatMul(graph, node, current, where);
                    layers.Add(dense);
                    continue;
                case "Softmax" or "LogSoftmax":
                    if (ForeignGraph.Int(node, "axis", -1) is not (1 or -1))
                    {
                        throw Refuse(graph, $"{where} normalizes over axis {ForeignGraph.Int(node, "axis", -1)}, not over the classes");
                    }

                    layers.Add(new SoftmaxLayer(where, node.OpType == "LogSoftmax"));
                    break;
                default:
                    throw Refuse(graph, $"{where} is not part of a LeNet-5{(layers.Count > 0 ? $" (after {string.Join(", ", layers.Select(l => l.Summary))})" : "")}");
            }

            current = node.Output[0];
        }

        return layers;
    }

    private static ModelImportException Refuse(ForeignGraph graph, string why) =>
        new($"'{graph.Source}' is not a LeNet-5 that LeNetOnnx can import: {why}.");

    // The node that carries the image on; Shape nodes only read a value's shape for a Reshape.
    private static NodeProto MainConsumer(ForeignGraph graph, string value)
    {
        NodeProto[] next = [.. graph.Consumers(value).Where(n => n.OpType != "Shape").Distinct()];
        return next switch
        {
            [var only] => only,
            [] => throw Refuse(graph, $"the value '{value}' leads nowhere: the graph's output is not computed from its input"),
            _ => throw Refuse(graph, $"the graph branches at '{value}' ({string.Join(", ", next.Select(ForeignGraph.Describe))}); a LeNet-5 is one chain"),
        };
    }

    private static ForeignLayer Affine(ForeignGraph graph, NodeProto node, string current, string where)
    {
        bool first = node.Input[0] == current;
        string other = first ? node.Input[1] : node.Input[0];
        ForeignTensor? constant = graph.Constant(other);
        if (constant is { Floats: { Length: > 1 } values, Dims: [.., 1, 1] } && node.OpType is "Mul" or "Add"
            && constant.Dims.Length is 3 or 4 && (constant.Dims.Length == 3 || constant.Dims[0] == 1))
        {
            // Per-map coefficients or biases, [C,1,1] or [1,C,1,1]: the trainable subsampling.
            return node.OpType == "Mul"
                ? new ChannelAffineLayer(where, values, new float[values.Length])
                : new ChannelAffineLayer(where, [.. Enumerable.Repeat(1f, values.Length)], values);
        }

        if (constant?.Scalar is not { } c)
        {
            throw Refuse(graph, $"{where} combines the image with something other than a constant number or per-map constants");
        }

        return node.OpType switch
        {
            "Mul" => new AffineLayer(where, c, 0),
            "Add" => new AffineLayer(where, 1, c),
            "Sub" => first ? new AffineLayer(where, 1, -c) : new AffineLayer(where, -1, c),
            _ => first && c != 0 ? new AffineLayer(where, 1 / c, 0) : throw Refuse(graph, $"{where} divides a constant by the image, or by zero"),
        };
    }

    private static PadLayer? Pad(ForeignGraph graph, NodeProto node, string where)
    {
        if (ForeignGraph.String(node, "mode", "constant") != "constant")
        {
            throw Refuse(graph, $"{where} pads by '{ForeignGraph.String(node, "mode", "constant")}'; only zero (constant) padding belongs to a LeNet-5");
        }

        long[]? pads = node.Input.Count > 1 ? graph.Constant(node.Input[1])?.Integers : ForeignGraph.Ints(node, "pads");
        float value = node.Input.Count > 2 && node.Input[2].Length > 0
            ? graph.Constant(node.Input[2])?.Scalar ?? float.NaN
            : ForeignGraph.Float(node, "value", 0);
        if (float.IsNaN(value))
        {
            throw Refuse(graph, $"{where} pads with a value that is not constant");
        }

        if (pads is null)
        {
            // Computed in the graph (F.pad exports a ConstantOfShape/Concat/Slice chain).
            return new PadLayer(where, null, value);
        }

        if (pads.Length != 8)
        {
            throw Refuse(graph, $"{where} pads by [{string.Join(",", pads)}], not the 8 amounts of a batch of images");
        }

        if (pads.All(p => p == 0))
        {
            return null;
        }

        if (pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads[2..4].Concat(pads[6..8]).Distinct().Count() != 1)
        {
            throw Refuse(graph, $"{where} pads by [{string.Join(",", pads)}]; only the same padding on every side of the image is supported");
        }

        return new PadLayer(where, (int)pads[2], value);
    }

    private static ResizeLayer Resize(ForeignGraph graph, NodeProto node, string where)
    {
        if (ForeignGraph.String(node, "mode", "nearest") != "linear"
            || ForeignGraph.String(node, "coordinate_transformation_mode", "half_pixel") is not ("half_pixel" or "pytorch_half_pixel")
            || ForeignGraph.Int(node, "antialias", 0) != 0)
        {
            throw Refuse(graph, $"{where} is not a bilinear resize with half-pixel centres (as PyTorch's interpolate(mode='bilinear', align_corners=False) exports)");
        }

        // Sizes (input 3) or scales (input 2), when constant; else computed from the input's shape.
        if (node.Input.Count > 3 && node.Input[3].Length > 0 && graph.Constant(node.Input[3]) is { Integers: [.., long h, long w] })
        {
            return h == w ? new ResizeLayer(where, (int)h) : throw Refuse(graph, $"{where} resizes to {h}×{w}, not to a square");
        }

        if (node.Input.Count > 2 && node.Input[2].Length > 0 && graph.Constant(node.Input[2]) is { Floats: [.., float sh, float sw] })
        {
            return sh == sw ? new ResizeLayer(where, (int)Math.Floor(28 * sh)) : throw Refuse(graph, $"{where} scales by {sh}×{sw}, not the same both ways");
        }

        return new ResizeLayer(where, null);
    }

    private static ConvLayer Conv(ForeignGraph graph, NodeProto node, string where)
    {
        if (graph.Constant(node.Input[1]) is not { Floats: { } weight, Dims: [long o, long i, long kh, long kw] } || kh != kw)
        {
            throw Refuse(graph, $"{where} has no constant square 4-D weight");
        }

        float[] bias = node.Input.Count > 2 && node.Input[2].Length > 0
            ? graph.Constant(node.Input[2]) is { Floats: { } b } && b.Length == o ? b : throw Refuse(graph, $"{where} has no constant bias of {o} values")
            : new float[o];
        long[] pads = ForeignGraph.Ints(node, "pads") ?? [0, 0, 0, 0];
        bool plain = ForeignGraph.Int(node, "group", 1) == 1
            && (ForeignGraph.Ints(node, "strides") ?? [1, 1]).All(s => s == 1)
            && (ForeignGraph.Ints(node, "dilations") ?? [1, 1]).All(d => d == 1)
            && ForeignGraph.String(node, "auto_pad", "NOTSET") is "NOTSET" or ""
            && pads.Length == 4 && pads.Distinct().Count() == 1;
        if (!plain)
        {
            throw Refuse(graph, $"{where} is not a plain convolution (groups, strides, dilations or uneven padding); LeNet-5's have stride 1 and the same padding on every side");
        }

        return new ConvLayer(where, (int)o, (int)i, (int)kh, (int)pads[0], weight, bias);
    }

    private static PoolLayer Pool(ForeignGraph graph, NodeProto node, string where)
    {
        bool twoByTwo = ForeignGraph.Ints(node, "kernel_shape") is [2, 2]
            && ForeignGraph.Ints(node, "strides") is [2, 2]
            && (ForeignGraph.Ints(node, "pads") ?? [0, 0, 0, 0]).All(p => p == 0)
            && ForeignGraph.Int(node, "ceil_mode", 0) == 0
            && (ForeignGraph.Ints(node, "dilations") ?? [1, 1]).All(d => d == 1);
        return twoByTwo
            ? new PoolLayer(where, node.OpType)
            : throw Refuse(graph, $"{where} is not a 2×2 pooling with stride 2 (LeNet-5's subsampling)");
    }

    private static DenseLayer Gemm(ForeignGraph graph, NodeProto node, string current, string where)
    {
        if (node.Input[0] != current || ForeignGraph.Int(node, "transA", 0) != 0 || ForeignGraph.Float(node, "alpha", 1) != 1 || ForeignGraph.Float(node, "beta", 1) != 1)
        {
            throw Refuse(graph, $"{where} is not a plain dense layer (x·Wᵀ + b)");
        }

        if (graph.Constant(node.Input[1]) is not { Floats: { } b, Dims: [long rows, long columns] })
        {
            throw Refuse(graph, $"{where} has no constant 2-D weight");
        }

        bool transposed = ForeignGraph.Int(node, "transB", 0) == 1;
        (int output, int input) = transposed ? ((int)rows, (int)columns) : ((int)columns, (int)rows);
        float[] weight = transposed ? b : ForeignTensor.Transpose(b, (int)rows, (int)columns);
        float[] bias = node.Input.Count > 2 && node.Input[2].Length > 0
            ? graph.Constant(node.Input[2]) is { Floats: { } c } && c.Length == output ? c : throw Refuse(graph, $"{where} has no constant bias of {output} values")
            : new float[output];
        return new DenseLayer(where, output, input, weight, bias);
    }

    // MatMul by a constant [in, out], then (usually) Add of a constant bias [out].
    private static (DenseLayer Dense, string Next) MatMul(ForeignGraph graph, NodeProto node, string current, string where)
    {
        if (node.Input[0] != current || graph.Constant(node.Input[1]) is not { Floats: { } w, Dims: [long input, long output] })
        {
            throw Refuse(graph, $"{where} does not multiply the features by a constant 2-D weight");
        }

        string next = node.Output[0];
        float[] bias = new float[output];
        if (!graph.IsOutput(next) && MainConsumer(graph, next) is { OpType: "Add" } add)
        {
            string other = add.Input[0] == next ? add.Input[1] : add.Input[0];
            if (graph.Constant(other) is { Floats: { } b } && b.Length == output)
            {
                (bias, next) = (b, add.Output[0]);
            }
        }

        return (new DenseLayer(where, (int)output, (int)input, ForeignTensor.Transpose(w, (int)input, (int)output), bias), next);
    }
}
