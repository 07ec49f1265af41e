using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Rewrite;

/// <summary>
/// Rewrites a model's first layer, <c>Conv(image; C×1×K×K, pad p) → Sigmoid|Relu|Tanh chain →
/// AveragePool 2×2/2</c>, into an equal computation that ONNX Runtime's CPU kernels run faster: one
/// convolution with stride 2 computes the four pixels of every pooling window (its pooling phases)
/// as four channels each (<c>4C</c> outputs, kernels of <c>K + 1</c>: the original kernel shifted
/// by one row and/or column, pad p as before), the activation chain runs on them unchanged, and the
/// pool becomes the mean of those four channels (a 1×1 Conv with weights 1/4). The input stays the
/// contract's <c>[N, 1, 28, 28]</c>.
/// </summary>
/// <remarks>
/// Why it is faster: the blocked (NCHWc) kernels work in groups of 16 output channels, so the
/// original layer's 6 channels fill 6 of every 16 lanes and the pool then runs on a reordered copy
/// at full resolution; here 24 channels fill 24 of 32, the activation runs on a quarter as many
/// positions per channel, and no full-resolution reorder or pool remains (measurements in
/// <c>bench/results/README.md</c>). The result is the same function; float sums are taken in another order, and
/// <see cref="LeNetClassifier"/> checks the rewritten model against the original on probe images
/// before using it. Models that do not have exactly this shape are left alone (null).
/// </remarks>
internal static class FirstLayerPoolingPhases
{
    /// <summary>The rewritten model, or null when the model's first layer does not have the shape this rewrite needs.</summary>
    /// <param name="model">The model's bytes, already screened (well-formed, no external data).</param>
    /// <param name="imageInput">The name of the image input, <c>[N, 1, 28, 28]</c> by the contract.</param>
    /// <exception cref="InvalidDataException">The bytes are not well-formed protobuf.</exception>
    public static byte[]? TryRewrite(ReadOnlySpan<byte> model, string imageInput)
    {
        if (OnnxGraphView.Read(model) is not { } graph || Match(graph, imageInput) is not { } layer)
        {
            return null;
        }

        string weightName = layer.Conv.Inputs[1] + "/pooling_phases";
        string biasName = layer.Conv.Inputs[1] + "/pooling_phases_bias";
        string meanName = layer.Pool.Outputs[0] + "/phase_mean";
        if (graph.NameIsTaken(weightName) || graph.NameIsTaken(biasName) || graph.NameIsTaken(meanName))
        {
            return null;
        }

        int kernel = layer.Kernel + 1;
        var graphWriter = new ProtoWireWriter();
        foreach (RawField field in graph.GraphFields)
        {
            if (field == layer.Conv.Field)
            {
                graphWriter.WriteMessage(OnnxFields.Graph.Node, ConvNode(layer.Conv.Name, [imageInput, weightName, biasName], layer.Conv.Outputs[0], kernel, stride: 2, layer.Pad));
            }
            else if (field == layer.Pool.Field)
            {
                graphWriter.WriteMessage(OnnxFields.Graph.Node, ConvNode(layer.Pool.Name, [layer.PoolInput, meanName], layer.Pool.Outputs[0], 1, stride: 1, pad: 0));
            }
            else if (field.Number != OnnxFields.Graph.ValueInfo)
            {
                // Shapes recorded for the layer's values would now be wrong; the rest stay as written.
                graphWriter.WriteRaw(model.Slice(field.Start, field.Length));
            }
        }

        (float[] weights, float[] bias, float[] mean) = Parameters(layer, kernel);
        int channels = layer.Channels;
        graphWriter.WriteMessage(OnnxFields.Graph.Initializer, FloatTensor(weightName, [4 * channels, 1, kernel, kernel], weights));
        graphWriter.WriteMessage(OnnxFields.Graph.Initializer, FloatTensor(biasName, [4 * channels], bias));
        graphWriter.WriteMessage(OnnxFields.Graph.Initializer, FloatTensor(meanName, [channels, 4 * channels, 1, 1], mean));

        var modelWriter = new ProtoWireWriter();
        for (int i = 0; i <= graph.ModelFields.Count; i++)
        {
            if (i == graph.GraphPosition)
            {
                modelWriter.WriteMessage(OnnxFields.Model.Graph, graphWriter);
            }

            if (i < graph.ModelFields.Count)
            {
                RawField field = graph.ModelFields[i];
                modelWriter.WriteRaw(model.Slice(field.Start, field.Length));
            }
        }

        return modelWriter.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The new layer's parameters. Output channel <c>4o + 2py + px</c> at <c>(i, j)</c> is channel
    /// <c>o</c> of the original output at <c>(2i + py, 2j + px)</c>: it reads the padded image's
    /// pixel <c>(2i + py + ky, 2j + px + kx)</c> with weight <c>w[o, ky, kx]</c>, so its kernel of
    /// <c>K + 1</c> is the original shifted by <c>(py, px)</c>, the rest zero.
    /// </summary>
    private static (float[] Weights, float[] Bias, float[] Mean) Parameters(FirstLayer layer, int kernel)
    {
        int channels = layer.Channels;
        int k = layer.Kernel;
        float[] weights = new float[4 * channels * kernel * kernel];
        float[] bias = new float[4 * channels];
        float[] mean = new float[channels * 4 * channels];
        for (int o = 0; o < channels; o++)
        {
            for (int phase = 0; phase < 4; phase++)
            {
                int py = phase >> 1;
                int px = phase & 1;
                int output = (4 * o) + phase;
                bias[output] = layer.Bias?[o] ?? 0f;
                mean[(o * 4 * channels) + output] = 0.25f;
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        weights[(((output * kernel) + py + ky) * kernel) + px + kx] = layer.Weights[(((o * k) + ky) * k) + kx];
                    }
                }
            }
        }

        return (weights, bias, mean);
    }

    private static FirstLayer? Match(OnnxGraphView graph, string imageInput)
    {
        if (!graph.Inputs.ContainsKey(imageInput) || graph.Initializers.ContainsKey(imageInput) || graph.ConsumersOf(imageInput) is not [{ } conv])
        {
            return null;
        }

        if (!IsStandard(conv, "Conv") || conv.Inputs.Length is not (2 or 3) || conv.Inputs[0] != imageInput || conv.Outputs.Length != 1
            || ConstantFloats(graph, conv.Inputs[1]) is not { } weights || (conv.Inputs.Length == 3 && ConstantFloats(graph, conv.Inputs[2]) is null))
        {
            return null;
        }

        long[] dims = weights.Dims;
        if (dims is not [var channels, 1, var kernel, var kernelWidth] || kernel != kernelWidth || kernel % 2 == 0 || channels is < 1 or > 1024 || kernel > 27)
        {
            return null;
        }

        float[]? bias = conv.Inputs.Length == 3 ? graph.Initializers[conv.Inputs[2]].Floats : null;
        if (bias is not null && bias.Length != channels)
        {
            return null;
        }

        long[]? pads = conv.Ints("pads", [0, 0, 0, 0]);
        if (pads is not [var pad, var padLeft, var padBottom, var padRight] || pad != padLeft || pad != padBottom || pad != padRight || pad is < 0 or > 16
            || !SameInts(conv.Ints("kernel_shape", [kernel, kernel]), [kernel, kernel])
            || !SameInts(conv.Ints("strides", [1, 1]), [1, 1])
            || !SameInts(conv.Ints("dilations", [1, 1]), [1, 1])
            || conv.Int("group", 1) != 1
            || conv.String("auto_pad", "NOTSET") != "NOTSET")
        {
            return null;
        }

        // Sizes: the pool needs an even-sized output; the phase conv (kernel K + 1, stride 2, the
        // same pads) then gives exactly half of it: (28 + 2p - K - 1) div 2 + 1 = output / 2.
        int output = LeNetClassifier.ImageSize + (2 * (int)pad) - (int)kernel + 1;
        if (output < 2 || output % 2 != 0)
        {
            return null;
        }

        // The activation chain: each value used by exactly one node and by no graph output.
        string value = conv.Outputs[0];
        NodeView? next;
        while (true)
        {
            if (graph.Outputs.Contains(value) || graph.ConsumersOf(value) is not [{ } consumer])
            {
                return null;
            }

            next = consumer;
            if (!(IsStandard(next, "Sigmoid") || IsStandard(next, "Relu") || IsStandard(next, "Tanh")) || next.Inputs.Length != 1 || next.Outputs.Length != 1)
            {
                break;
            }

            value = next.Outputs[0];
        }

        NodeView pool = next;
        if (!IsStandard(pool, "AveragePool") || pool.Inputs is not [_] || pool.Outputs is not [_]
            || !SameInts(pool.Ints("kernel_shape", null), [2, 2])
            || !SameInts(pool.Ints("strides", [1, 1]), [2, 2])
            || !SameInts(pool.Ints("pads", [0, 0, 0, 0]), [0, 0, 0, 0])
            || !SameInts(pool.Ints("dilations", [1, 1]), [1, 1])
            || pool.Int("ceil_mode", 0) != 0
            || pool.String("auto_pad", "NOTSET") != "NOTSET")
        {
            return null;
        }

        return new FirstLayer(conv, pool, value, (int)channels, (int)kernel, weights.Floats!, bias, (int)pad);
    }

    private static bool IsStandard(NodeView node, string opType) => node.OpType == opType && node.Domain is "" or "ai.onnx";

    private static bool SameInts(long[]? values, long[] expected) => values is not null && values.AsSpan().SequenceEqual(expected);

    /// <summary>A float initializer stored inline whose values match its shape and that no graph input can override.</summary>
    private static InitializerView? ConstantFloats(OnnxGraphView graph, string name)
    {
        if (!graph.Initializers.TryGetValue(name, out InitializerView? tensor) || graph.Inputs.ContainsKey(name)
            || tensor.DataType != OnnxFields.Tensor.DataTypeFloat || tensor.Floats is null)
        {
            return null;
        }

        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            if (dim < 0 || dim > int.MaxValue)
            {
                return null;
            }

            count *= dim;
        }

        return count == tensor.Floats.Length ? tensor : null;
    }

    private static ProtoWireWriter ConvNode(string name, string[] inputs, string output, int kernel, int stride, int pad)
    {
        var node = new ProtoWireWriter();
        foreach (string input in inputs)
        {
            node.WriteStringField(OnnxFields.Node.Input, input);
        }

        node.WriteStringField(OnnxFields.Node.Output, output);
        if (name.Length > 0)
        {
            node.WriteStringField(OnnxFields.Node.Name, name);
        }

        node.WriteStringField(OnnxFields.Node.OpType, "Conv");
        node.WriteMessage(OnnxFields.Node.Attribute, IntsAttribute("kernel_shape", [kernel, kernel]));
        node.WriteMessage(OnnxFields.Node.Attribute, IntsAttribute("strides", [stride, stride]));
        node.WriteMessage(OnnxFields.Node.Attribute, IntsAttribute("pads", [pad, pad, pad, pad]));
        return node;
    }

    private static ProtoWireWriter IntsAttribute(string name, long[] values)
    {
        var attribute = new ProtoWireWriter();
        attribute.WriteStringField(OnnxFields.Attribute.Name, name);
        foreach (long value in values)
        {
            attribute.WriteVarintField(OnnxFields.Attribute.Ints, value);
        }

        attribute.WriteVarintField(OnnxFields.Attribute.Type, OnnxFields.Attribute.TypeInts);
        return attribute;
    }

    private static ProtoWireWriter FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new ProtoWireWriter();
        foreach (long dim in dims)
        {
            tensor.WriteVarintField(OnnxFields.Tensor.Dims, dim);
        }

        tensor.WriteVarintField(OnnxFields.Tensor.DataType, OnnxFields.Tensor.DataTypeFloat);
        tensor.WriteStringField(OnnxFields.Tensor.Name, name);
        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        }

        tensor.WriteBytesField(OnnxFields.Tensor.RawData, raw);
        return tensor;
    }

    private sealed record FirstLayer(NodeView Conv, NodeView Pool, string PoolInput, int Channels, int Kernel, float[] Weights, float[]? Bias, int Pad);
}
