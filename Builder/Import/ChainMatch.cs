using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// Matches a foreign model's layer chain against the tutorial-style LeNet-5 (C1, S2, C3, S4, F5,
/// F6, output; one activation and one pooling throughout) and picks the variant with the same
/// activation, pooling and C1 padding. The input convention and any scalar preprocessing in the
/// graph are folded into C1 (exact where C1 does not pad, or pads what both sides agree is zero).
/// </summary>
internal sealed class ChainMatch(string source, List<ForeignLayer> layers, InputConvention input, LeNetOptions? wanted)
{
    private int next;

    public RecognizedModel Recognize(int? fixedBatch)
    {
        // Preprocessing in the graph: w = scale·u + shift, u being what the model is fed.
        float scale = 1, shift = 0;
        int extraPadding = 0;
        while (next < layers.Count && layers[next] is AffineLayer or PadLayer)
        {
            switch (layers[next++])
            {
                case AffineLayer affine when extraPadding == 0:
                    (scale, shift) = (affine.Scale * scale, (affine.Scale * shift) + affine.Shift);
                    break;
                case PadLayer { Value: 0 } pad:
                    extraPadding += pad.Pixels;
                    break;
                case var other:
                    throw Refuse($"{other.Node} ({other.Summary}) comes before C1 where only scaling and zero padding of the image can be imported");
            }
        }

        ConvLayer c1 = Expect<ConvLayer>("C1, a 1→6 5×5 convolution", c => c is { In: 1, Out: 6, Kernel: 5 });
        ActivationLayer activation = Expect<ActivationLayer>("the activation after C1", _ => true);
        PoolLayer pooling = Expect<PoolLayer>("S2, a 2×2 pooling", _ => true);
        ConvLayer c3 = Expect<ConvLayer>("C3, a 6→16 5×5 convolution without padding", c => c is { In: 6, Out: 16, Kernel: 5, Padding: 0 });
        Expect<ActivationLayer>($"{activation.Kind} after C3, as after C1", a => a.Kind == activation.Kind);
        Expect<PoolLayer>($"S4, the {pooling.Kind} of S2", p => p.Kind == pooling.Kind);
        if (next < layers.Count && layers[next] is ConvLayer c5)
        {
            throw Refuse($"{c5.Node} ({c5.Summary}) is C5 as a convolution, the 1998 network's form, which import does not read yet; the tutorial form flattens S4 into a dense layer");
        }

        int padding = c1.Padding + extraPadding;
        int s4 = (((LeNetContract.ImageSize + (2 * padding) - 4) / 2) - 4) / 2;
        Expect<FlattenLayer>("the flattening of S4", _ => true);
        DenseLayer f5 = Expect<DenseLayer>($"F5, a dense layer {16 * s4 * s4}→120", d => d is { Out: 120 } && d.In == 16 * s4 * s4);
        Expect<ActivationLayer>($"{activation.Kind} after F5", a => a.Kind == activation.Kind);
        DenseLayer f6 = Expect<DenseLayer>("F6, a dense layer 120→84", d => d is { In: 120, Out: 84 });
        Expect<ActivationLayer>($"{activation.Kind} after F6", a => a.Kind == activation.Kind);
        DenseLayer output = Expect<DenseLayer>("the output layer, dense 84→10", d => d is { In: 84, Out: LeNetContract.ClassCount });
        ForeignOutput kind = ForeignOutput.Logits;
        if (next < layers.Count && layers[next] is SoftmaxLayer softmax)
        {
            kind = softmax.Log ? ForeignOutput.LogProbabilities : ForeignOutput.Probabilities;
            next++;
        }

        if (next < layers.Count)
        {
            throw Refuse($"{layers[next].Node} ({layers[next].Summary}) follows the output layer");
        }

        LeNetOptions variant = Variant(activation, pooling, padding);

        // C1 sees w = A·x + C (x = pixel/255); the variant's graph gives it v = s·x + t.
        float a = scale * input.Scale, c = (scale * input.Shift) + shift;
        float s = variant.Input.Scale, t = variant.Input.Shift;
        float factor = a / s, offset = c - (a * t / s);
        if (padding > 0 && offset != 0)
        {
            throw Refuse(string.Create(
                CultureInfo.InvariantCulture,
                $"its C1 pads with zeros an input of {a:G6}·x + {c:G6}, which variant '{variant.Variant}' cannot reproduce at the border (it pads {s:G6}·x + {t:G6}); check --input-scale and --normalized"));
        }

        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["c1.weight"] = [.. c1.Weight.Select(w => w * factor)],
            ["c1.bias"] = FoldedBias(c1, offset),
            ["c3.weight"] = c3.Weight,
            ["c3.bias"] = c3.Bias,
            ["f5.weight"] = f5.Weight,
            ["f5.bias"] = f5.Bias,
            ["f6.weight"] = f6.Weight,
            ["f6.bias"] = f6.Bias,
            ["out.weight"] = output.Weight,
            ["out.bias"] = output.Bias,
        };
        CheckNames(variant, weights);
        string chain = string.Join(" → ", layers.Select(l => l.Summary));
        return new RecognizedModel(variant, weights, kind, input, chain, fixedBatch);
    }

    private static float[] FoldedBias(ConvLayer c1, float offset)
    {
        int perMap = c1.Weight.Length / c1.Out;
        float[] bias = new float[c1.Out];
        for (int o = 0; o < c1.Out; o++)
        {
            double sum = 0;
            for (int k = 0; k < perMap; k++)
            {
                sum += c1.Weight[(o * perMap) + k];
            }

            bias[o] = offset == 0 ? c1.Bias[o] : (float)(c1.Bias[o] + (offset * sum));
        }

        return bias;
    }

    private LeNetOptions Variant(ActivationLayer activation, PoolLayer pooling, int padding)
    {
        Activation kind = activation.Kind switch { "Sigmoid" => Activation.Sigmoid, "Relu" => Activation.Relu, _ => Activation.Tanh };
        Pooling pool = pooling.Kind == "MaxPool" ? Pooling.Max : Pooling.Average;
        string found = $"{activation.Kind}, {pooling.Kind}, C1 padding {padding}";
        IEnumerable<LeNetOptions> candidates = LeNetVariants.All.Where(v => !v.C5AsConvolution && v.C3Connections == C3Connections.Full && v.Input.Resize == 0 && v.Input.Padding == 0);
        if (wanted is { } named)
        {
            return candidates.Contains(named) && named.Activation == kind && named.Pooling == pool && named.C1Padding == padding
                ? named
                : throw Refuse($"variant '{named.Variant}' is {Describe(named)}; the model is {found}");
        }

        LeNetOptions[] matching = [.. candidates.Where(v => v.Activation == kind && v.Pooling == pool && v.C1Padding == padding)];
        return matching.Length > 0
            ? matching[0]
            : throw Refuse($"it is {found}, which no LeNetOnnx variant is ({string.Join("; ", candidates.Select(v => $"{v.Variant}: {Describe(v)}"))})");
    }

    private static string Describe(LeNetOptions v) =>
        v.C5AsConvolution || v.Input.Resize != 0 || v.Input.Padding != 0
            ? "not a tutorial-form LeNet (import reads the tutorial form)"
            : $"{v.Activation switch { Activation.Sigmoid => "Sigmoid", Activation.Relu => "Relu", _ => "Tanh" }}, {(v.Pooling == Pooling.Max ? "MaxPool" : "AveragePool")}, C1 padding {v.C1Padding}";

    private T Expect<T>(string what, Func<T, bool> fits)
        where T : ForeignLayer
    {
        if (next >= layers.Count)
        {
            throw Refuse($"the graph ends where {what} should follow");
        }

        ForeignLayer layer = layers[next];
        if (layer is not T typed || !fits(typed))
        {
            throw Refuse($"layer {next + 1} ({layer.Node}: {layer.Summary}) is not {what}");
        }

        next++;
        return typed;
    }

    private void CheckNames(LeNetOptions variant, Dictionary<string, float[]> weights)
    {
        foreach (Ir.Value parameter in LeNet5.Build(variant).Graph.Parameters)
        {
            long count = parameter.Data!.Dims.Aggregate(1L, (n, d) => n * d);
            if (!weights.TryGetValue(parameter.Name, out float[]? values) || values.Length != count)
            {
                throw Refuse($"its weights do not fill variant '{variant.Variant}' ({parameter.Name} needs {count} values)");
            }
        }
    }

    private ModelImportException Refuse(string why) => new($"'{source}' is not a LeNet-5 that LeNetOnnx can import: {why}.");
}
