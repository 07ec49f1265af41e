using Google.Protobuf;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// Recognises which LeNetOnnx variant a model exported by another tool computes (what
/// <c>torch.onnx.export</c> of PyTorch 1.13 emits for the tutorial-style LeNets at opsets 13–17,
/// constant-folded or not, with a dynamic or a fixed batch) and takes its weights, so that
/// <see cref="LeNet5.Build"/> writes the same function as a contract model. The caller proves the
/// two agree by running both.
/// </summary>
public static class ForeignModelImporter
{
    /// <summary>The largest model read; a LeNet-5 is about 250 KB.</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>Reads and recognises a foreign model.</summary>
    /// <param name="bytes">The ONNX file's bytes.</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="input">What the model expects as input (see <see cref="InputConvention"/>).</param>
    /// <param name="variant">The variant it must be; null to recognise it.</param>
    /// <exception cref="ModelImportException">Not ONNX, not a LeNet-5 (the message names the layer that does not match and why), or not one of the variants.</exception>
    public static RecognizedModel Recognize(byte[] bytes, string source, InputConvention input, LeNetOptions? variant = null)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelImportException($"'{source}' is not a valid ONNX model (truncated or corrupt): {e.Message}", e);
        }

        if (model.Graph is not { Node.Count: > 0 } graphProto)
        {
            throw new ModelImportException($"'{source}' is not an ONNX model: it has no graph.");
        }

        if (model.MetadataProps.FirstOrDefault(p => p.Key == LeNetContract.Keys.Variant) is { } own)
        {
            throw new ModelImportException($"'{source}' is already a LeNetOnnx model (variant '{own.Value}'); use it as it is.");
        }

        var graph = new ForeignGraph(graphProto, source);
        (string inputName, int? fixedBatch) = CheckInput(graph);
        if (graph.Graph.Output.Count != 1)
        {
            throw new ModelImportException($"'{source}' has {graph.Graph.Output.Count} outputs; a LeNet-5 export has one, the class scores.");
        }

        List<ForeignLayer> layers = LayerChainReader.Read(graph, inputName);
        if (layers.OfType<DenseLayer>().LastOrDefault() is { Out: not LeNetContract.ClassCount } last)
        {
            throw new ModelImportException($"'{source}' classifies into {last.Out} classes ({last.Node}); a LeNetOnnx model has {LeNetContract.ClassCount}.");
        }

        return new ChainMatch(source, layers, input, variant).Recognize(fixedBatch);
    }

    /// <summary>The contract model of a recognised model: its variant with its weights, labels and metadata.</summary>
    /// <param name="model">The recognised model.</param>
    /// <param name="labels">The class names in label order.</param>
    /// <param name="metadata">More <c>metadata_props</c>, e.g. where the model came from.</param>
    public static byte[] ToContractModel(RecognizedModel model, IReadOnlyList<string> labels, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LeNet5.Build(model.Variant, seed: 0, weights: model.Weights, labels: labels).ToOnnxBytes(metadata);
    }

    private static (string Name, int? FixedBatch) CheckInput(ForeignGraph graph)
    {
        IReadOnlyList<ValueInfoProto> inputs = graph.Inputs;
        if (inputs.Count != 1)
        {
            throw new ModelImportException($"'{graph.Source}' has {inputs.Count} inputs; a LeNet-5 export has one, the image.");
        }

        ValueInfoProto input = inputs[0];
        if (input.Type?.TensorType is not { } tensor || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw new ModelImportException($"'{graph.Source}': the input '{input.Name}' is not a float32 tensor.");
        }

        if (tensor.Shape is not { Dim.Count: 4 } shape)
        {
            throw new ModelImportException($"'{graph.Source}': the input '{input.Name}' is not [N, 1, 28, 28] (it has {tensor.Shape?.Dim.Count ?? 0} dimensions).");
        }

        long Dim(int i) => shape.Dim[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? shape.Dim[i].DimValue : -1;
        if (Dim(1) != 1)
        {
            throw new ModelImportException($"'{graph.Source}': the input has {(Dim(1) < 0 ? "a variable number of" : Dim(1).ToString(System.Globalization.CultureInfo.InvariantCulture))} channels; LeNet-5 reads one grey channel.");
        }

        if (Dim(2) != LeNetContract.ImageSize || Dim(3) != LeNetContract.ImageSize)
        {
            throw new ModelImportException($"'{graph.Source}': the input is {Dim(2)}×{Dim(3)}; LeNetOnnx models take {LeNetContract.ImageSize}×{LeNetContract.ImageSize} images (the variants that pad or resize do it inside the graph).");
        }

        return (input.Name, Dim(0) > 0 ? (int)Dim(0) : null);
    }
}
