using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.LeNet;

/// <summary>A built LeNet-5: its graph, the per-layer summary and the model metadata.</summary>
public sealed class LeNetModel
{
    internal LeNetModel(LeNetOptions options, ulong seed, Graph graph, IReadOnlyList<LayerSummary> layers, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        Options = options;
        Seed = seed;
        Graph = graph;
        Layers = layers;
        Metadata = metadata;
    }

    /// <summary>The options the model was composed from.</summary>
    public LeNetOptions Options { get; }

    /// <summary>The seed of the initial weights.</summary>
    public ulong Seed { get; }

    /// <summary>The inference graph: <c>image</c> → <c>logits</c>, <c>probabilities</c>.</summary>
    public Graph Graph { get; }

    /// <summary>One row per layer, in order.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The ONNX <c>metadata_props</c> of the inference model.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>Total trainable parameters (C3 counted inside its table).</summary>
    public long ParameterCount => Layers.Sum(l => l.Parameters);

    /// <summary>Total connections.</summary>
    public long ConnectionCount => Layers.Sum(l => l.Connections);

    /// <summary>The inference model as ONNX bytes.</summary>
    /// <param name="extraMetadata">Further <c>metadata_props</c> after the contract's (e.g. a trained model's recipe and accuracy).</param>
    /// <param name="docString">The model's description; null for the default.</param>
    public byte[] ToOnnxBytes(IEnumerable<KeyValuePair<string, string>>? extraMetadata = null, string? docString = null) => OnnxModelWriter.ToBytes(Graph, new ModelDescription
    {
        DocString = docString ?? $"LeNet-5 '{Options.Variant}' built by LeNetOnnx (seed {Seed}).",
        Metadata = [.. Metadata, .. extraMetadata ?? []],
    });
}
