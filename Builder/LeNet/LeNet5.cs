using System.Globalization;
using System.Text.Json;
using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// Composes a LeNet-5 graph from <see cref="LeNetOptions"/>: input transform, C1, S2, C3, S4,
/// C5 (convolution) or F5 (linear), F6 and the 10-way output, with seeded Xavier-uniform
/// weights and zero biases.
/// </summary>
/// <example><c>byte[] onnx = LeNet5.Build(LeNetVariants.Classic, seed: 1).ToOnnxBytes();</c></example>
public sealed class LeNet5
{
    private const int KernelSize = 5;
    private const int SubsamplingWindow = 2;
    private readonly LeNetOptions options;
    private readonly Graph graph;
    private readonly SeededRandom random;
    private readonly List<LayerSummary> layers = [];
    private readonly bool keepPoolIndices;
    private readonly bool poolingPhases;
    private readonly IReadOnlyDictionary<string, float[]>? weights;

    private LeNet5(LeNetOptions options, ulong seed, Graph graph, bool keepPoolIndices, bool poolingPhases, IReadOnlyDictionary<string, float[]>? weights)
    {
        this.poolingPhases = poolingPhases;
        this.options = options;
        this.weights = weights;
        this.graph = graph;
        this.keepPoolIndices = keepPoolIndices;
        random = new SeededRandom(seed);
    }

    /// <summary>Builds the inference model of a variant.</summary>
    /// <param name="options">The variant, e.g. <see cref="LeNetVariants.Classic"/>.</param>
    /// <param name="seed">Seed of the initial weights; the same seed gives the same bytes.</param>
    /// <param name="opset">Default-domain opset, <see cref="Opset.Min"/> to <see cref="Opset.Max"/>.</param>
    /// <param name="weights">Parameter values to use instead of the seeded initialization (e.g. a trained model's).</param>
    /// <param name="labels">The class names in label order, written as <c>lenet.labels</c>: those of the data set the model is trained on; null for Fashion-MNIST's.</param>
    /// <exception cref="ArgumentException"><paramref name="labels"/> does not name <see cref="LeNetContract.ClassCount"/> classes.</exception>
    public static LeNetModel Build(LeNetOptions options, ulong seed = 1, int opset = Opset.Default, IReadOnlyDictionary<string, float[]>? weights = null, IReadOnlyList<string>? labels = null)
    {
        labels ??= FashionMnistClasses.Names;
        if (labels.Count != LeNetContract.ClassCount)
        {
            throw new ArgumentException($"A LeNet-5 has {LeNetContract.ClassCount} outputs, so it needs {LeNetContract.ClassCount} class names; got {labels.Count}.", nameof(labels));
        }

        LeNetForward forward = BuildForward(options, seed, opset, GraphName(options), weights: weights);
        Graph graph = forward.Graph;
        Value probabilities = graph.Softmax(forward.Logits, axis: 1, name: LeNetContract.ProbabilitiesOutput);
        graph.AddOutput(forward.Logits);
        graph.AddOutput(probabilities);
        return new LeNetModel(options, seed, graph, forward.Layers, Metadata(options, seed, forward.Layers, labels));
    }

    /// <summary>
    /// Builds only the forward pass, image to logits, into a new graph with no outputs yet:
    /// the start of training and evaluation graphs. The parameters hold the same initial
    /// values as <see cref="Build"/> gives for the same seed.
    /// </summary>
    /// <param name="options">The variant.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="opset">Default-domain opset.</param>
    /// <param name="graphName">Name of the new graph.</param>
    /// <param name="keepPoolIndices">Max pooling also outputs its argmax indices, which the gradient of max pooling reuses.</param>
    /// <param name="weights">Parameter values to use instead of the seeded initialization.</param>
    /// <param name="poolingPhases">
    /// Convolutions followed by average pooling are built as their pooling phases (see
    /// <see cref="PoolingPhases"/>): the same function, with a faster backward pass for training.
    /// </param>
    public static LeNetForward BuildForward(LeNetOptions options, ulong seed, int opset, string graphName, bool keepPoolIndices = false, IReadOnlyDictionary<string, float[]>? weights = null, bool poolingPhases = false)
    {
        var builder = new LeNet5(options, seed, new Graph(graphName, opset), keepPoolIndices, poolingPhases, weights);
        Value image = builder.graph.AddInput(LeNetContract.ImageInput, ElementType.Float, new TensorShape(Dim.Named(LeNetContract.BatchSymbol), 1, LeNetContract.ImageSize, LeNetContract.ImageSize));
        Value logits = builder.Compose(image);
        return new LeNetForward(builder.graph, image, logits, builder.layers);
    }

    /// <summary>The graph name used for a variant's models.</summary>
    public static string GraphName(LeNetOptions options) => $"lenet5_{options.Variant.Replace('-', '_')}";

    private Value Compose(Value image)
    {
        Value x = InputLayer(image);
        x = Convolution("C1", x, inChannels: 1, outChannels: 6, padding: options.C1Padding, C3Connections.Full, pooledNext: true);
        x = Subsampling("S2", x, channels: 6);
        x = Convolution("C3", x, inChannels: 6, outChannels: 16, padding: 0, options.C3Connections, pooledNext: true);
        x = Subsampling("S4", x, channels: 16);
        if (options.C5AsConvolution)
        {
            x = Convolution("C5", x, inChannels: 16, outChannels: 120, padding: 0, C3Connections.Full, pooledNext: false);
            x = graph.Flatten(x, 1, name: "c5.flatten");
        }
        else
        {
            x = graph.Flatten(x, 1, name: "s4.flatten");
            x = Linear("F5", x, 120, activate: true);
        }

        x = Linear("F6", x, 84, activate: true);
        return Linear("out", x, LeNetContract.ClassCount, activate: false, outputName: LeNetContract.LogitsOutput);
    }

    private Value InputLayer(Value image)
    {
        InputTransform t = options.Input;
        if (t.IsIdentity)
        {
            return image;
        }

        Value x = image;
        if (t.Resize > 0)
        {
            x = graph.ResizeBilinear(x, t.Resize, t.Resize, name: "input.resize");
        }

        if (t.Padding > 0)
        {
            x = graph.Pad2D(x, [t.Padding, t.Padding, t.Padding, t.Padding], 0f, name: "input.pad");
        }

        if (t.Scale != 1f)
        {
            x = graph.Mul(x, graph.Scalar(t.Scale), name: "input.scale");
        }

        if (t.Shift != 0f)
        {
            x = graph.Add(x, graph.Scalar(t.Shift), name: "input.shift");
        }

        layers.Add(new LayerSummary("input", t.Describe(), PerImage(x), 0, 0));
        return x;
    }

    private Value Convolution(string layer, Value x, int inChannels, int outChannels, int padding, C3Connections table, bool pooledNext)
    {
        string prefix = layer.ToLowerInvariant();
        int fanIn = inChannels * KernelSize * KernelSize;
        int fanOut = outChannels * KernelSize * KernelSize;
        float[] kernel = Initial($"{prefix}.weight", () => InitialKernel(outChannels, inChannels, fanOut, table));
        Value w = graph.AddParameter($"{prefix}.weight", TensorData.Float(kernel, outChannels, inChannels, KernelSize, KernelSize));
        Value b = graph.AddParameter($"{prefix}.bias", TensorData.Float(Initial($"{prefix}.bias", () => new float[outChannels]), outChannels));
        long connectedKernels = outChannels * inChannels;
        string operation = $"Conv {KernelSize}x{KernelSize}" + (padding > 0 ? $", pad {padding}" : "");
        if (table != C3Connections.Full)
        {
            // Weights outside the table are zeroed now and masked in the graph, so their
            // gradient is zero and no optimizer (weight decay included) can move them.
            float[] mask = new float[outChannels * inChannels];
            for (int o = 0; o < outChannels; o++)
            {
                for (int i = 0; i < inChannels; i++)
                {
                    mask[(o * inChannels) + i] = C3ConnectionTable.IsConnected(table, o, i) ? 1f : 0f;
                }
            }

            int kernelArea = KernelSize * KernelSize;
            for (int k = 0; k < kernel.Length; k++)
            {
                if (mask[k / kernelArea] == 0f)
                {
                    kernel[k] = 0f;
                }
            }

            connectedKernels = (long)mask.Sum();
            Value maskValue = graph.AddConstant(TensorData.Float(mask, outChannels, inChannels, 1, 1), name: $"{prefix}.connection_mask");
            w = graph.Mul(w, maskValue, name: $"{prefix}.masked_weight");
            operation += ", 1998 connection table";
        }

        long height = x.Shape[2].Size!.Value + (2 * padding) - KernelSize + 1;
        long width = x.Shape[3].Size!.Value + (2 * padding) - KernelSize + 1;
        bool phases = poolingPhases && pooledNext && options.Pooling == Pooling.Average
            && PoolingPhases.Tile(height, SubsamplingWindow) && PoolingPhases.Tile(width, SubsamplingWindow);
        Value y = phases
            ? PoolingPhases.Convolution(graph, x, w, b, padding, SubsamplingWindow, prefix)
            : graph.Conv(x, w, b, pads: [padding, padding, padding, padding], name: $"{prefix}.conv");
        y = Activate(prefix, y);
        long parameters = (connectedKernels * KernelSize * KernelSize) + outChannels;
        long units = height * width;
        layers.Add(new LayerSummary(layer, $"{operation} + {ActivationName()}", $"{outChannels}x{height}x{width}", parameters, units * parameters));
        return y;
    }

    private Value Subsampling(string layer, Value x, int channels)
    {
        string prefix = layer.ToLowerInvariant();
        const int window = SubsamplingWindow;
        Value y;
        long parameters = 0;
        string operation;
        switch (options.Pooling)
        {
            case Pooling.Average:
                y = x.Shape.Rank == 5 ? PoolingPhases.Mean(graph, x, name: $"{prefix}.pool") : graph.AveragePool(x, window, window, name: $"{prefix}.pool");
                operation = "AveragePool 2x2/2";
                break;
            case Pooling.Max:
                y = keepPoolIndices ? graph.MaxPoolWithIndices(x, window, window, name: $"{prefix}.pool").Output : graph.MaxPool(x, window, window, name: $"{prefix}.pool");
                operation = "MaxPool 2x2/2";
                break;
            case Pooling.TrainableSubsampling:
                float[] coefficients = Initial($"{prefix}.weight", () => Enumerable.Repeat(options.SubsamplingCoefficient, channels).ToArray());
                Value coefficient = graph.AddParameter($"{prefix}.weight", TensorData.Float(coefficients, channels, 1, 1));
                Value bias = graph.AddParameter($"{prefix}.bias", TensorData.Float(Initial($"{prefix}.bias", () => new float[channels]), channels, 1, 1));

                // The sum of a 2x2 block is 4 x its average; folding the 4 into the coefficient
                // keeps one multiply on the big tensor.
                Value mean = graph.AveragePool(x, window, window, name: $"{prefix}.pool");
                Value scale = graph.Mul(coefficient, graph.Scalar(window * window), name: $"{prefix}.sum_coefficient");
                y = graph.Add(graph.Mul(mean, scale, name: $"{prefix}.scaled"), bias, name: $"{prefix}.biased");
                y = Activate(prefix, y);
                parameters = 2L * channels;
                operation = $"2x2/2 sum x coefficient + bias, {ActivationName()}";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Pooling, "Unknown pooling.");
        }

        long outputs = y.Shape[1].Size!.Value * y.Shape[2].Size!.Value * y.Shape[3].Size!.Value;
        long linksPerUnit = (window * window) + (parameters > 0 ? 1 : 0);
        layers.Add(new LayerSummary(layer, operation, PerImage(y), parameters, outputs * linksPerUnit));
        return y;
    }

    private Value Linear(string layer, Value x, int outFeatures, bool activate, string? outputName = null)
    {
        string prefix = layer.ToLowerInvariant();
        int inFeatures = (int)(x.Shape[1].Size ?? throw new GraphBuildException($"{layer}: the input width of '{x.Name}' {x.Shape} must be known."));
        float[] matrix = Initial($"{prefix}.weight", () => options.Init == WeightInit.Lecun1998
            ? Lecun1998(outFeatures, inFeatures, _ => inFeatures)
            : XavierUniform(outFeatures * inFeatures, inFeatures, outFeatures));
        Value w = graph.AddParameter($"{prefix}.weight", TensorData.Float(matrix, outFeatures, inFeatures));
        Value b = graph.AddParameter($"{prefix}.bias", TensorData.Float(Initial($"{prefix}.bias", () => new float[outFeatures]), outFeatures));
        Value y = graph.Gemm(x, w, b, transB: true, name: activate ? $"{prefix}.gemm" : outputName);
        if (activate)
        {
            y = Activate(prefix, y);
        }

        long parameters = ((long)inFeatures * outFeatures) + outFeatures;
        string operation = $"Gemm {inFeatures}->{outFeatures}" + (activate ? $" + {ActivationName()}" : " (logits)");
        layers.Add(new LayerSummary(layer, operation, PerImage(y), parameters, parameters));
        return y;
    }

    private Value Activate(string prefix, Value x) => options.Activation switch
    {
        Activation.Sigmoid => graph.Sigmoid(x, name: $"{prefix}.sigmoid"),
        Activation.Relu => graph.Relu(x, name: $"{prefix}.relu"),
        Activation.Tanh => graph.Tanh(x, name: $"{prefix}.tanh"),
        Activation.ScaledTanh => graph.Mul(
            graph.Tanh(graph.Mul(x, graph.Scalar(2f / 3f), name: $"{prefix}.tanh_in"), name: $"{prefix}.tanh"),
            graph.Scalar(1.7159f),
            name: $"{prefix}.scaled_tanh"),
        _ => throw new ArgumentOutOfRangeException(nameof(x), options.Activation, "Unknown activation."),
    };

    private string ActivationName() => options.Activation switch
    {
        Activation.ScaledTanh => "1.7159*tanh(2a/3)",
        _ => options.Activation.ToString(),
    };

    /// <summary>The given weights of a parameter (copied), else freshly initialized ones.</summary>
    private float[] Initial(string name, Func<float[]> initialize)
    {
        if (weights is null)
        {
            return initialize();
        }

        return weights.TryGetValue(name, out float[]? given)
            ? (float[])given.Clone()
            : throw new ArgumentException($"The given weights have no '{name}'.", nameof(weights));
    }

    /// <summary>A convolution's kernel, <c>[out, in, K, K]</c>, drawn as <see cref="LeNetOptions.Init"/> says.</summary>
    private float[] InitialKernel(int outChannels, int inChannels, int fanOut, C3Connections table)
    {
        int area = KernelSize * KernelSize;
        if (options.Init != WeightInit.Lecun1998)
        {
            return XavierUniform(outChannels * inChannels * area, inChannels * area, fanOut);
        }

        // A unit's inputs are the kernel taps of the maps it is connected to.
        return Lecun1998(outChannels, inChannels * area, o => area * (table == C3Connections.Full ? inChannels : C3ConnectionTable.InputsOf(table, o).Count));
    }

    /// <summary>U(±2.4/F) per output unit (row of <paramref name="rowLength"/> weights), F its number of inputs.</summary>
    private float[] Lecun1998(int rows, int rowLength, Func<int, int> fanInOf)
    {
        float[] values = new float[rows * rowLength];
        for (int o = 0; o < rows; o++)
        {
            random.FillUniform(values.AsSpan(o * rowLength, rowLength), 2.4f / fanInOf(o));
        }

        return values;
    }

    private float[] XavierUniform(int count, int fanIn, int fanOut)
    {
        float[] values = new float[count];
        random.FillUniform(values, MathF.Sqrt(6f / (fanIn + fanOut)));
        return values;
    }

    private static string PerImage(Value v) => string.Join("x", v.Shape.Dims.Skip(1));

    private static KeyValuePair<string, string>[] Metadata(LeNetOptions options, ulong seed, IReadOnlyList<LayerSummary> layers, IReadOnlyList<string> labels) =>
    [
        new(LeNetContract.Keys.Contract, LeNetContract.Version),
        new(LeNetContract.Keys.Variant, options.Variant),
        new(LeNetContract.Keys.Labels, JsonSerializer.Serialize(labels)),
        new(LeNetContract.Keys.Input, LeNetContract.InputConvention),
        new(LeNetContract.Keys.Preprocessing, options.Input.Describe()),
        new(LeNetContract.Keys.Parameters, layers.Sum(l => l.Parameters).ToString(CultureInfo.InvariantCulture)),
        new(LeNetContract.Keys.Seed, seed.ToString(CultureInfo.InvariantCulture)),
    ];
}
