namespace LeNetOnnx.Builder.Serialization;

/// <summary>The model-level facts written beside a graph.</summary>
public sealed record ModelDescription
{
    /// <summary>A human-readable description (ONNX <c>doc_string</c>).</summary>
    public string DocString { get; init; } = "";

    /// <summary>ONNX <c>metadata_props</c>, written in this order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Where parameters go.</summary>
    public ParameterPlacement Parameters { get; init; } = ParameterPlacement.Initializers;
}
