using System.Buffers.Binary;
using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Rewrite;

/// <summary>One field of a message as it sits in the model's bytes: its number and the byte range of tag and payload.</summary>
internal readonly record struct RawField(int Number, int Start, int Length);

/// <summary>A node of the main graph: what a rewrite needs to recognise it, and where its bytes are.</summary>
internal sealed record NodeView(RawField Field, string Name, string OpType, string Domain, string[] Inputs, string[] Outputs, Dictionary<string, AttributeView> Attributes)
{
    /// <summary>An INTS attribute, or <paramref name="absent"/> when the node does not set it.</summary>
    public long[]? Ints(string name, long[]? absent) => Attributes.TryGetValue(name, out AttributeView? a) ? a.Ints : absent;

    /// <summary>An INT attribute, or <paramref name="absent"/> when the node does not set it (null when it is set but not an INT).</summary>
    public long? Int(string name, long absent) => Attributes.TryGetValue(name, out AttributeView? a) ? a.Int : absent;

    /// <summary>A STRING attribute, or <paramref name="absent"/> when the node does not set it.</summary>
    public string? String(string name, string absent) => Attributes.TryGetValue(name, out AttributeView? a) ? a.String : absent;
}

/// <summary>A node attribute's value when it is an INT, INTS or STRING; other kinds leave all three null.</summary>
internal sealed record AttributeView(long? Int, long[]? Ints, string? String);

/// <summary>An initializer: name, shape and, for float tensors stored inline, its values.</summary>
internal sealed record InitializerView(RawField Field, string Name, long[] Dims, int DataType, float[]? Floats);

/// <summary>
/// A read-only view of an ONNX model's main graph, decoded from the wire format by
/// <see cref="ProtoWireReader"/>: the nodes in file order, the initializers, the graph's inputs and
/// outputs, and the byte range of every model and graph field so that a rewrite can copy what it
/// does not change. Field numbers are onnx.proto's.
/// </summary>
internal sealed class OnnxGraphView
{
    private Dictionary<string, List<NodeView>>? consumers;
    private Dictionary<string, List<NodeView>>? producers;

    private OnnxGraphView()
    {
    }

    /// <summary>The model's fields other than the graph, in file order.</summary>
    public List<RawField> ModelFields { get; } = [];

    /// <summary>Where the graph field sits among <see cref="ModelFields"/>: the index it would have.</summary>
    public int GraphPosition { get; private set; } = -1;

    /// <summary>The graph's fields in file order (nodes, initializers, inputs, everything).</summary>
    public List<RawField> GraphFields { get; } = [];

    /// <summary>The graph's nodes in file order.</summary>
    public List<NodeView> Nodes { get; } = [];

    /// <summary>The graph's initializers by name.</summary>
    public Dictionary<string, InitializerView> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>The graph's inputs by name, with their fields.</summary>
    public Dictionary<string, RawField> Inputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The names of the graph's outputs.</summary>
    public HashSet<string> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Decodes <paramref name="model"/>; null when it has no graph.</summary>
    /// <exception cref="InvalidDataException">The bytes are not well-formed protobuf.</exception>
    public static OnnxGraphView? Read(ReadOnlySpan<byte> model)
    {
        var view = new OnnxGraphView();
        var reader = new ProtoWireReader(model);
        int start = reader.Offset;
        while (reader.TryReadTag(out int field, out WireType wireType))
        {
            if (field == OnnxFields.Model.Graph && wireType == WireType.LengthDelimited && view.GraphPosition < 0)
            {
                view.GraphPosition = view.ModelFields.Count;
                view.ReadGraph(reader.ReadMessage());
            }
            else
            {
                reader.Skip(wireType);
                view.ModelFields.Add(new RawField(field, start, reader.Offset - start));
            }

            start = reader.Offset;
        }

        return view.GraphPosition < 0 ? null : view;
    }

    /// <summary>The nodes that take <paramref name="value"/> as an input (a node taking it twice is listed twice).</summary>
    public IReadOnlyList<NodeView> ConsumersOf(string value)
    {
        // Indexed once: the graph can be large (ONNX Runtime accepted it), walks along it must stay linear.
        consumers ??= Index(Nodes.SelectMany(n => n.Inputs.Select(input => (input, n))));
        return consumers.TryGetValue(value, out List<NodeView>? nodes) ? nodes : [];
    }

    /// <summary>Whether <paramref name="name"/> is already used by an input, an initializer or a node output.</summary>
    public bool NameIsTaken(string name)
    {
        producers ??= Index(Nodes.SelectMany(n => n.Outputs.Select(output => (output, n))));
        return Inputs.ContainsKey(name) || Initializers.ContainsKey(name) || producers.ContainsKey(name);
    }

    private static Dictionary<string, List<NodeView>> Index(IEnumerable<(string Value, NodeView Node)> uses)
    {
        var index = new Dictionary<string, List<NodeView>>(StringComparer.Ordinal);
        foreach ((string value, NodeView node) in uses)
        {
            if (!index.TryGetValue(value, out List<NodeView>? nodes))
            {
                index[value] = nodes = [];
            }

            nodes.Add(node);
        }

        return index;
    }

    private void ReadGraph(ProtoWireReader graph)
    {
        int start = graph.Offset;
        while (graph.TryReadTag(out int field, out WireType wireType))
        {
            if (wireType != WireType.LengthDelimited || field is not (OnnxFields.Graph.Node or OnnxFields.Graph.Initializer or OnnxFields.Graph.Input or OnnxFields.Graph.Output))
            {
                graph.Skip(wireType);
                GraphFields.Add(new RawField(field, start, graph.Offset - start));
                start = graph.Offset;
                continue;
            }

            ProtoWireReader message = graph.ReadMessage();
            var raw = new RawField(field, start, graph.Offset - start);
            GraphFields.Add(raw);
            switch (field)
            {
                case OnnxFields.Graph.Node:
                    Nodes.Add(ReadNode(message, raw));
                    break;
                case OnnxFields.Graph.Initializer:
                    InitializerView tensor = ReadTensor(message, raw);
                    Initializers[tensor.Name] = tensor;
                    break;
                case OnnxFields.Graph.Input:
                    Inputs[NameOf(message)] = raw;
                    break;
                default:
                    Outputs.Add(NameOf(message));
                    break;
            }

            start = graph.Offset;
        }
    }

    private static NodeView ReadNode(ProtoWireReader node, RawField raw)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "";
        string opType = "";
        string domain = "";
        var attributes = new Dictionary<string, AttributeView>(StringComparer.Ordinal);
        while (node.TryReadTag(out int field, out WireType wireType))
        {
            switch (field, wireType)
            {
                case (OnnxFields.Node.Input, WireType.LengthDelimited):
                    inputs.Add(node.ReadString());
                    break;
                case (OnnxFields.Node.Output, WireType.LengthDelimited):
                    outputs.Add(node.ReadString());
                    break;
                case (OnnxFields.Node.Name, WireType.LengthDelimited):
                    name = node.ReadString();
                    break;
                case (OnnxFields.Node.OpType, WireType.LengthDelimited):
                    opType = node.ReadString();
                    break;
                case (OnnxFields.Node.Attribute, WireType.LengthDelimited):
                    (string attributeName, AttributeView value) = ReadAttribute(node.ReadMessage());
                    attributes[attributeName] = value;
                    break;
                case (OnnxFields.Node.Domain, WireType.LengthDelimited):
                    domain = node.ReadString();
                    break;
                default:
                    node.Skip(wireType);
                    break;
            }
        }

        return new NodeView(raw, name, opType, domain, [.. inputs], [.. outputs], attributes);
    }

    private static (string Name, AttributeView Value) ReadAttribute(ProtoWireReader attribute)
    {
        string name = "";
        long? single = null;
        string? text = null;
        List<long>? ints = null;
        while (attribute.TryReadTag(out int field, out WireType wireType))
        {
            switch (field, wireType)
            {
                case (OnnxFields.Attribute.Name, WireType.LengthDelimited):
                    name = attribute.ReadString();
                    break;
                case (OnnxFields.Attribute.I, WireType.Varint):
                    single = (long)attribute.ReadVarint();
                    break;
                case (OnnxFields.Attribute.S, WireType.LengthDelimited):
                    text = attribute.ReadString();
                    break;
                case (OnnxFields.Attribute.Ints, WireType.Varint):
                    (ints ??= []).Add((long)attribute.ReadVarint());
                    break;
                case (OnnxFields.Attribute.Ints, WireType.LengthDelimited):
                    ProtoWireReader packed = attribute.ReadMessage();
                    ints ??= [];
                    while (TryReadPackedVarint(ref packed, out long value))
                    {
                        ints.Add(value);
                    }

                    break;
                default:
                    attribute.Skip(wireType);
                    break;
            }
        }

        return (name, new AttributeView(single, ints?.ToArray(), text));
    }

    private static bool TryReadPackedVarint(ref ProtoWireReader packed, out long value)
    {
        if (packed.AtEnd)
        {
            value = 0;
            return false;
        }

        value = (long)packed.ReadVarint();
        return true;
    }

    private static InitializerView ReadTensor(ProtoWireReader tensor, RawField raw)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        ReadOnlySpan<byte> rawData = default;
        bool hasRawData = false;
        List<float>? floatData = null;
        while (tensor.TryReadTag(out int field, out WireType wireType))
        {
            switch (field, wireType)
            {
                case (OnnxFields.Tensor.Dims, WireType.Varint):
                    dims.Add((long)tensor.ReadVarint());
                    break;
                case (OnnxFields.Tensor.Dims, WireType.LengthDelimited):
                    ProtoWireReader packedDims = tensor.ReadMessage();
                    while (TryReadPackedVarint(ref packedDims, out long dim))
                    {
                        dims.Add(dim);
                    }

                    break;
                case (OnnxFields.Tensor.DataType, WireType.Varint):
                    dataType = (int)tensor.ReadVarint();
                    break;
                case (OnnxFields.Tensor.FloatData, WireType.Fixed32):
                    (floatData ??= []).Add(BitConverter.UInt32BitsToSingle(tensor.ReadFixed32()));
                    break;
                case (OnnxFields.Tensor.FloatData, WireType.LengthDelimited):
                    ReadOnlySpan<byte> packedFloats = tensor.ReadBytes();
                    floatData ??= [];
                    for (int i = 0; i + 4 <= packedFloats.Length; i += 4)
                    {
                        floatData.Add(BinaryPrimitives.ReadSingleLittleEndian(packedFloats[i..]));
                    }

                    break;
                case (OnnxFields.Tensor.Name, WireType.LengthDelimited):
                    name = tensor.ReadString();
                    break;
                case (OnnxFields.Tensor.RawData, WireType.LengthDelimited):
                    rawData = tensor.ReadBytes();
                    hasRawData = true;
                    break;
                default:
                    tensor.Skip(wireType);
                    break;
            }
        }

        float[]? floats = null;
        if (dataType == OnnxFields.Tensor.DataTypeFloat)
        {
            floats = hasRawData ? FloatsOf(rawData) : floatData?.ToArray() ?? [];
        }

        return new InitializerView(raw, name, [.. dims], dataType, floats);
    }

    private static float[]? FloatsOf(ReadOnlySpan<byte> raw)
    {
        if (raw.Length % 4 != 0)
        {
            return null;
        }

        float[] values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        }

        return values;
    }

    private static string NameOf(ProtoWireReader valueInfo)
    {
        while (valueInfo.TryReadTag(out int field, out WireType wireType))
        {
            if (field == OnnxFields.ValueInfo.Name && wireType == WireType.LengthDelimited)
            {
                return valueInfo.ReadString();
            }

            valueInfo.Skip(wireType);
        }

        return "";
    }
}
