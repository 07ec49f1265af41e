using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// Matches a foreign model's layer chain against LeNet-5 (C1, S2, C3, S4, then F5 as a dense layer
/// or C5 as a convolution, F6, output; one activation and one pooling throughout) and picks the
/// variant with the same activation, pooling, padding, C3 table and C5 form. The input convention
/// and the graph's own preprocessing (scaling, padding) are folded into C1, which is exact when
/// both models agree on the border C1 sees; otherwise the import is refused.
/// </summary>
internal sealed class ChainMatch(string source, List<ForeignLayer> layers, InputConvention input, LeNetOptions? wanted)
{
    private const string ScaledTanh = "scaled tanh";
    private int next;

    public RecognizedModel Recognize(int? fixedBatch)
    {
        Preprocessing pre = ReadPreprocessing();
        ConvLayer c1 = Expect<ConvLayer>("C1, a 1→6 5×5 convolution", c => c is { In: 1, Out: 6, Kernel: 5 });
        string activation = ReadActivation("the activation after C1", null);
        Subsampling s2 = ReadSubsampling("S2", 6, null);
        if (s2.Trainable)
        {
            ReadActivation($"{activation} after S2, as after C1", activation);
        }

        ConvLayer c3 = Expect<ConvLayer>("C3, a 6→16 5×5 convolution without padding", c => c is { In: 6, Out: 16, Kernel: 5, Padding: 0 });
        ReadActivation($"{activation} after C3, as after C1", activation);
        Subsampling s4 = ReadSubsampling("S4", 16, s2.Kind);
        if (s4.Trainable != s2.Trainable)
        {
            throw Refuse("S2 and S4 are not the same kind of subsampling (one scales its maps, the other does not)");
        }

        if (s4.Trainable)
        {
            ReadActivation($"{activation} after S4, as after S2", activation);
        }
        ConvLayer? c5 = null;
        DenseLayer? f5 = null;
        int side;
        if (next < layers.Count && layers[next] is ConvLayer)
        {
            c5 = Expect<ConvLayer>("C5, a 16→120 5×5 convolution without padding", c => c is { In: 16, Out: 120, Kernel: 5, Padding: 0 });
            ReadActivation($"{activation} after C5", activation);
            Expect<FlattenLayer>("the flattening of C5", _ => true);
            side = 32;
        }
        else
        {
            Expect<FlattenLayer>("the flattening of S4", _ => true);
            f5 = Expect<DenseLayer>("F5, a dense layer to 120 units", d => d is { Out: 120 } && d.In % 16 == 0 && IsSquare(d.In / 16));
            side = (((int)Math.Round(Math.Sqrt(f5.In / 16)) * 2) + 4) * 2 + 4;
            ReadActivation($"{activation} after F5", activation);
        }

        DenseLayer f6 = Expect<DenseLayer>("F6, a dense layer 120→84", d => d is { In: 120, Out: 84 });
        ReadActivation($"{activation} after F6", activation);
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

        // C1 sees the image resized (or 28×28) and padded: work out what the layers after it need.
        (int padding, int resized) = (pre.Padding, pre.Resize) switch
        {
            ({ } p, { } r) => (p + c1.Padding, r == 0 ? LeNetContract.ImageSize : r),
            ({ } p, null) => (p + c1.Padding, side - (2 * (p + c1.Padding))),
            (null, { } r) => (((side - (r == 0 ? LeNetContract.ImageSize : r)) / 2), r == 0 ? LeNetContract.ImageSize : r),
            _ => throw Refuse("both its resizing and its padding are computed in the graph, so their sizes cannot be told apart"),
        };
        if (padding < 0 || resized + (2 * padding) != side)
        {
            throw Refuse($"its layers need a {side}×{side} image in C1, which {padding} pixels of padding around {resized}×{resized} do not give");
        }

        int resize = resized == LeNetContract.ImageSize && pre.Resize is 0 ? 0 : resized;
        bool table = c3.Weight.Where((_, k) => !C3ConnectionTable.IsConnected(C3Connections.Lecun1998, k / 25 / 6, k / 25 % 6)).All(w => w == 0);
        LeNetOptions variant = Variant(activation, s2, c5 is not null, table, padding, resize);
        (float factor, float offset) = Fold(variant, pre, c1);
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["c1.weight"] = [.. c1.Weight.Select(w => w * factor)],
            ["c1.bias"] = FoldedBias(c1, offset),
            ["c3.weight"] = c3.Weight,
            ["c3.bias"] = c3.Bias,
            ["f6.weight"] = f6.Weight,
            ["f6.bias"] = f6.Bias,
            ["out.weight"] = output.Weight,
            ["out.bias"] = output.Bias,
        };
        if (c5 is not null)
        {
            (weights["c5.weight"], weights["c5.bias"]) = (c5.Weight, c5.Bias);

            // Ours: sum × coefficient + bias, the sum being 4 × the mean theirs scales.
            (weights["s2.weight"], weights["s2.bias"]) = ([.. s2.Scale.Select(a => a / 4)], s2.Shift);
            (weights["s4.weight"], weights["s4.bias"]) = ([.. s4.Scale.Select(a => a / 4)], s4.Shift);
        }
        else
        {
            (weights["f5.weight"], weights["f5.bias"]) = (f5!.Weight, f5.Bias);
        }

        CheckWeights(variant, weights);
        return new RecognizedModel(variant, weights, kind, input, string.Join(" → ", layers.Select(l => l.Summary)), fixedBatch);
    }

    private static bool IsSquare(int n) => (int)Math.Round(Math.Sqrt(n)) is var r && r * r == n;

    /// <summary>
    /// C1's input in the foreign graph, w = A·x + C inside the image (x = pixel/255) and
    /// <see cref="Border"/> in its padding; <see cref="Padding"/> null when the graph computes it.
    /// </summary>
    private readonly record struct Preprocessing(float Scale, float Shift, int? Padding, float? Border, int? Resize);

    private Preprocessing ReadPreprocessing()
    {
        // From what the model is fed, u = Scale·x + Shift, through the graph's own steps.
        float a = input.Scale, c = input.Shift;
        int? padding = 0;
        int? resize = 0;
        float? border = null;
        while (next < layers.Count && layers[next] is AffineLayer or PadLayer or ResizeLayer)
        {
            switch (layers[next++])
            {
                case ResizeLayer scaled:
                    // Bilinear weights sum to one, so scaling before or after resizing is the same;
                    // padding before it is not what any variant does.
                    resize = resize == 0 && border is null ? scaled.Size : throw Refuse($"{scaled.Node} resizes after another resize or a padding");
                    break;
                case AffineLayer affine:
                    (a, c) = (affine.Scale * a, (affine.Scale * c) + affine.Shift);
                    border = border is { } b ? (affine.Scale * b) + affine.Shift : null;
                    break;
                case PadLayer pad:
                    padding = pad.Pixels is { } pixels && padding is { } sum ? sum + pixels : null;
                    border = border is { } before && before != pad.Value
                        ? throw Refuse($"{pad.Node} pads with {pad.Value} around a border of {before}")
                        : pad.Value;
                    break;
            }
        }

        return new Preprocessing(a, c, padding, border, resize);
    }

    private string ReadActivation(string what, string? same)
    {
        // The 1998 squashing function, as exporters write 1.7159·tanh(2a/3): Mul, Tanh, Mul.
        if (next + 2 < layers.Count && layers[next] is AffineLayer { Shift: 0 } inner && Near(inner.Scale, 2f / 3)
            && layers[next + 1] is ActivationLayer { Kind: "Tanh" } && layers[next + 2] is AffineLayer { Shift: 0 } outer && Near(outer.Scale, 1.7159f))
        {
            return same is null or ScaledTanh ? Advance(3, ScaledTanh) : throw Refuse($"layer {next + 1} ({inner.Node}) starts a {ScaledTanh}, not {what}");
        }

        ActivationLayer activation = Expect<ActivationLayer>(what, a => same is null || a.Kind == same);
        return activation.Kind;
    }

    private string Advance(int count, string result)
    {
        next += count;
        return result;
    }

    private static bool Near(float value, float expected) => Math.Abs(value - expected) <= 1e-6f * Math.Abs(expected);

    /// <summary>A pooling, with the per-map coefficient and bias of the 1998 network's trainable form (ones and zeros otherwise).</summary>
    private readonly record struct Subsampling(string Kind, bool Trainable, float[] Scale, float[] Shift);

    private Subsampling ReadSubsampling(string name, int maps, string? same)
    {
        PoolLayer pool = Expect<PoolLayer>(same is null ? $"{name}, a 2×2 pooling" : $"{name}, the {same} of S2", p => same is null || p.Kind == same);
        float[] scale = [.. Enumerable.Repeat(1f, maps)], shift = new float[maps];
        bool trainable = false;
        while (next < layers.Count && layers[next] is AffineLayer or ChannelAffineLayer)
        {
            if (next + 2 < layers.Count && layers[next] is AffineLayer && layers[next + 1] is ActivationLayer { Kind: "Tanh" })
            {
                break; // the squashing function that follows
            }

            trainable = true;
            switch (layers[next++])
            {
                case AffineLayer affine:
                    for (int m = 0; m < maps; m++)
                    {
                        (scale[m], shift[m]) = (scale[m] * affine.Scale, (shift[m] * affine.Scale) + affine.Shift);
                    }

                    break;
                case ChannelAffineLayer channel when channel.Scale.Length == maps:
                    for (int m = 0; m < maps; m++)
                    {
                        (scale[m], shift[m]) = (scale[m] * channel.Scale[m], (shift[m] * channel.Scale[m]) + channel.Shift[m]);
                    }

                    break;
                case var other:
                    throw Refuse($"{other.Node} ({other.Summary}) after {name} is not per-map for its {maps} maps");
            }
        }

        if (trainable && pool.Kind != "AveragePool")
        {
            throw Refuse($"{name} scales a {pool.Kind}; the 1998 network's trainable subsampling scales a 2×2 average (its sum)");
        }

        return new Subsampling(pool.Kind, trainable, scale, shift);
    }

    private LeNetOptions Variant(string activation, Subsampling pooling, bool c5Convolution, bool table, int padding, int resize)
    {
        Activation kind = activation switch
        {
            "Sigmoid" => Activation.Sigmoid,
            "Relu" => Activation.Relu,
            "Tanh" => Activation.Tanh,
            _ => Activation.ScaledTanh,
        };
        Pooling pool = pooling.Trainable ? Pooling.TrainableSubsampling : pooling.Kind == "MaxPool" ? Pooling.Max : Pooling.Average;
        string found = Describe(kind, pool, padding, c5Convolution, resize);
        IEnumerable<LeNetOptions> candidates = LeNetVariants.All;
        bool Fits(LeNetOptions v) => v.Input.Resize == resize && v.Activation == kind && v.Pooling == pool && v.C5AsConvolution == c5Convolution
            && v.Input.Padding + v.C1Padding == padding && (v.C3Connections == C3Connections.Full || table);
        if (wanted is { } named)
        {
            return Fits(named)
                ? named
                : throw Refuse($"variant '{named.Variant}' is {Describe(named)}; the model is {found}{(named.C3Connections != C3Connections.Full && !table ? ", its C3 not limited to the 1998 table" : "")}");
        }

        // A full C3 that happens to have the table's zeros still fits the full variants first.
        LeNetOptions[] matching = [.. candidates.Where(Fits).OrderBy(v => v.C3Connections == C3Connections.Full ? 0 : 1)];
        return matching.Length > 0
            ? matching[0]
            : throw Refuse($"it is {found}, which no LeNetOnnx variant is ({string.Join("; ", candidates.Select(v => $"{v.Variant}: {Describe(v)}"))})");
    }

    private static string Describe(LeNetOptions v) => Describe(v.Activation, v.Pooling, v.Input.Padding + v.C1Padding, v.C5AsConvolution, v.Input.Resize);

    private static string Describe(Activation activation, Pooling pooling, int padding, bool c5Convolution, int resize) =>
        string.Create(CultureInfo.InvariantCulture, $"{(resize > 0 ? $"resized to {resize}, " : "")}{activation switch { Activation.Sigmoid => "Sigmoid", Activation.Relu => "Relu", Activation.Tanh => "Tanh", _ => ScaledTanh }}, {pooling switch { Pooling.Max => "MaxPool", Pooling.Average => "AveragePool", _ => "trainable subsampling" }}, C1 padding {padding}{(c5Convolution ? ", C5 a convolution" : "")}");

    // The factor and offset that turn the variant's C1 input v into the foreign C1 input w.
    private (float Factor, float Offset) Fold(LeNetOptions variant, Preprocessing pre, ConvLayer c1)
    {
        double s = variant.Input.Scale, t = variant.Input.Shift;
        double factor = pre.Scale / s, offset = pre.Shift - (pre.Scale * t / s);
        if (variant.Input.Padding + variant.C1Padding > 0)
        {
            // The border: zeros C1 pads, or the transform's value of a padded zero.
            double ours = variant.Input.Padding > 0 ? t : 0;
            double theirs = c1.Padding > 0 ? (pre.Border is null or 0 ? 0 : double.NaN) : pre.Border ?? double.NaN;
            double mapped = (factor * ours) + offset;

            // Float32 constants on both sides: equal to their own rounding.
            double tolerance = 1e-5 * Math.Max(1, Math.Max(Math.Abs(factor * ours), Math.Abs(offset)));
            if (!(Math.Abs(mapped - theirs) <= tolerance))
            {
                throw Refuse(string.Create(
                    CultureInfo.InvariantCulture,
                    $"its C1 sees {pre.Scale:G6}·x + {pre.Shift:G6} with a border of {(double.IsNaN(theirs) ? "mixed values" : theirs.ToString("G6", CultureInfo.InvariantCulture))}, which variant '{variant.Variant}' cannot reproduce (its border maps to {mapped:G6}); check --input-scale and --normalized"));
            }
        }

        return ((float)factor, (float)offset);
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

    private void CheckWeights(LeNetOptions variant, Dictionary<string, float[]> weights)
    {
        foreach (Ir.Value parameter in LeNet5.Build(variant).Graph.Parameters)
        {
            long count = parameter.Data!.Dims.Aggregate(1L, (n, d) => n * d);
            if (!weights.TryGetValue(parameter.Name, out float[]? values) || values.Length != count)
            {
                throw Refuse($"its weights do not fill variant '{variant.Variant}' ({parameter.Name} needs {count} values)");
            }

            if (values.Any(v => !float.IsFinite(v)))
            {
                throw Refuse($"its weights hold NaN or infinity ({parameter.Name})");
            }
        }
    }

    private ModelImportException Refuse(string why) => new($"'{source}' is not a LeNet-5 that LeNetOnnx can import: {why}.");
}
