using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// A foreign model's graph, indexed for walking: which node makes and which nodes read each
/// value, and the value of every constant (initializers, Constant nodes, and what exporters leave
/// unfolded on constants: Identity, Transpose, Mul by a mask).
/// </summary>
internal sealed class ForeignGraph
{
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ForeignTensor?> constants = new(StringComparer.Ordinal);

    public ForeignGraph(GraphProto graph, string source)
    {
        Graph = graph;
        Source = source;
        foreach (TensorProto tensor in graph.Initializer)
        {
            initializers[tensor.Name] = tensor;
        }

        foreach (NodeProto node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }

            foreach (string input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out List<NodeProto>? list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>The file the graph came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The graph's real inputs: its inputs that are not initializers (older exporters list both).</summary>
    public IReadOnlyList<ValueInfoProto> Inputs => [.. Graph.Input.Where(i => !initializers.ContainsKey(i.Name))];

    /// <summary>The nodes that read <paramref name="value"/>.</summary>
    public IReadOnlyList<NodeProto> Consumers(string value) => consumers.TryGetValue(value, out List<NodeProto>? list) ? list : [];

    /// <summary>Whether <paramref name="value"/> is one of the graph's outputs.</summary>
    public bool IsOutput(string value) => Graph.Output.Any(o => o.Name == value);

    /// <summary>A node's name for messages: its name, else its first output.</summary>
    public static string Describe(NodeProto node) => $"node '{(node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "?")}' ({node.OpType})";

    /// <summary>The constant value of <paramref name="name"/>; null when it is computed from the input.</summary>
    public ForeignTensor? Constant(string name)
    {
        if (constants.TryGetValue(name, out ForeignTensor? known))
        {
            return known;
        }

        // Marked first: a cycle in a corrupt graph ends as "not a constant", not in a stack overflow.
        constants[name] = null;
        ForeignTensor? value = Evaluate(name);
        constants[name] = value;
        return value;
    }

    /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
    public static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public static long[]? Ints(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : null;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/> when absent.</summary>
    public static string String(NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.S.ToStringUtf8() : fallback;

    // a × b where b's shape broadcasts to a's (each of b's dimensions equal to a's or 1, from the right); null otherwise.
    private static ForeignTensor? Broadcast(ForeignTensor a, ForeignTensor b)
    {
        if (b.Dims.Length > a.Dims.Length)
        {
            return null;
        }

        long[] dims = [.. Enumerable.Repeat(1L, a.Dims.Length - b.Dims.Length), .. b.Dims];
        if (dims.Where((d, i) => d != 1 && d != a.Dims[i]).Any())
        {
            return null;
        }

        float[] values = a.Floats!, factors = b.Floats!, result = new float[values.Length];
        long[] strides = new long[dims.Length];
        for (int i = dims.Length - 1, stride = 1; i >= 0; i--)
        {
            strides[i] = dims[i] == 1 ? 0 : stride;
            stride *= (int)dims[i];
        }

        for (int k = 0; k < values.Length; k++)
        {
            long rest = k, offset = 0;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                offset += rest % a.Dims[i] * strides[i];
                rest /= a.Dims[i];
            }

            result[k] = values[k] * factors[offset];
        }

        return new ForeignTensor(a.Dims, result, null);
    }

    private ForeignTensor? Evaluate(string name)
    {
        if (initializers.TryGetValue(name, out TensorProto? tensor))
        {
            return ForeignTensor.Read(tensor, $"'{Source}': initializer '{name}'");
        }

        if (!producers.TryGetValue(name, out NodeProto? node))
        {
            return null;
        }

        string where = $"'{Source}': {Describe(node)}";
        switch (node.OpType)
        {
            case "Constant":
                if (node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } value })
                {
                    return ForeignTensor.Read(value, where);
                }

                if (node.Attribute.FirstOrDefault(a => a.Name == "value_float") is { } f)
                {
                    return new ForeignTensor([], [f.F], null);
                }

                if (node.Attribute.FirstOrDefault(a => a.Name == "value_floats") is { } fs)
                {
                    return new ForeignTensor([fs.Floats.Count], [.. fs.Floats], null);
                }

                if (node.Attribute.FirstOrDefault(a => a.Name == "value_int") is { } i)
                {
                    return new ForeignTensor([], null, [i.I]);
                }

                if (node.Attribute.FirstOrDefault(a => a.Name == "value_ints") is { } ints)
                {
                    return new ForeignTensor([ints.Ints.Count], null, [.. ints.Ints]);
                }

                return null;
            case "Identity":
                return Constant(node.Input[0]);
            case "Transpose" when Constant(node.Input[0]) is { Floats: { } values, Dims: [long rows, long columns] }
                && Ints(node, "perm") is null or [1, 0]:
                return new ForeignTensor([columns, rows], ForeignTensor.Transpose(values, (int)rows, (int)columns), null);
            case "Mul" when node.Input.Count == 2 && Constant(node.Input[0]) is { Floats: { } } left && Constant(node.Input[1]) is { Floats: { } } right:
                // A weight times a mask (a connection table, broadcast over the kernel), or by a scalar.
                return Broadcast(left, right) ?? Broadcast(right, left);
            default:
                return null;
        }
    }
}
