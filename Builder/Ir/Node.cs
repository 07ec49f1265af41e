namespace LeNetOnnx.Builder.Ir;

/// <summary>One operator application. Attributes are kept sorted by name so serialization is deterministic.</summary>
public sealed class Node
{
    internal Node(string name, string opType, IReadOnlyList<Value?> inputs, IReadOnlyList<Value> outputs, SortedDictionary<string, AttributeValue> attributes)
    {
        Name = name;
        OpType = opType;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    /// <summary>The unique node name.</summary>
    public string Name { get; }

    /// <summary>The operator, from the default ONNX domain.</summary>
    public string OpType { get; }

    /// <summary>The inputs in operator order; null marks an omitted optional input.</summary>
    public IReadOnlyList<Value?> Inputs { get; }

    /// <summary>The outputs in operator order.</summary>
    public IReadOnlyList<Value> Outputs { get; }

    /// <summary>The attributes, sorted by name (ordinal).</summary>
    public IReadOnlyDictionary<string, AttributeValue> Attributes { get; }

    /// <summary>The ints attribute <paramref name="attribute"/>, or <paramref name="fallback"/> (the operator's default) when the node does not set it.</summary>
    public long[] IntsAttribute(string attribute, long[] fallback) =>
        Attributes.TryGetValue(attribute, out AttributeValue? value) ? [.. value.Ints] : fallback;

    /// <summary>The int attribute <paramref name="attribute"/>, or <paramref name="fallback"/> when the node does not set it.</summary>
    public long IntAttribute(string attribute, long fallback) =>
        Attributes.TryGetValue(attribute, out AttributeValue? value) ? value.Int : fallback;

    /// <summary>The float attribute <paramref name="attribute"/>, or <paramref name="fallback"/> when the node does not set it.</summary>
    public float FloatAttribute(string attribute, float fallback) =>
        Attributes.TryGetValue(attribute, out AttributeValue? value) ? value.Float : fallback;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {OpType}({string.Join(", ", Inputs.Select(i => i?.Name ?? ""))}) -> {string.Join(", ", Outputs.Select(o => o.Name))}";
}
