using System.Runtime.InteropServices;
using Google.Protobuf;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.Onnx.Protos;

namespace LeNetOnnx.Builder.Serialization;

/// <summary>
/// Turns a <see cref="Graph"/> into an ONNX <see cref="ModelProto"/>. Output is
/// deterministic: nodes in build order, attributes sorted, tensors as little-endian raw data.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>The producer name written into every model.</summary>
    public const string ProducerName = "LeNetOnnx";

    /// <summary>Builds the protobuf message.</summary>
    public static ModelProto ToModel(Graph graph, ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(description);
        var model = new ModelProto
        {
            IrVersion = Opset.IrVersionFor(graph.OpsetVersion),
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            DocString = description.DocString,
            Graph = ToGraph(graph, description.Parameters),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = graph.OpsetVersion });
        foreach ((string key, string value) in description.Metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>Builds the model and serializes it.</summary>
    public static byte[] ToBytes(Graph graph, ModelDescription description) => ToModel(graph, description).ToByteArray();

    private static GraphProto ToGraph(Graph graph, ParameterPlacement placement)
    {
        var proto = new GraphProto { Name = graph.Name };
        foreach (Value input in graph.Inputs)
        {
            proto.Input.Add(ToValueInfo(input));
        }

        foreach (Value parameter in graph.Parameters)
        {
            if (placement == ParameterPlacement.Inputs)
            {
                proto.Input.Add(ToValueInfo(parameter));
            }
            else
            {
                proto.Initializer.Add(ToTensor(parameter));
            }
        }

        // A constant no node reads (say, the seed 1 of a backward pass whose loss rule did not
        // need it) would only make runtimes warn; it is left out.
        foreach (Value constant in graph.Constants.Where(c => c.Users.Count > 0 || graph.Outputs.Contains(c)))
        {
            proto.Initializer.Add(ToTensor(constant));
        }

        var outputs = new HashSet<Value>(graph.Outputs);
        foreach (Node node in graph.Nodes)
        {
            proto.Node.Add(ToNode(node));
            foreach (Value produced in node.Outputs)
            {
                if (!outputs.Contains(produced))
                {
                    proto.ValueInfo.Add(ToValueInfo(produced));
                }
            }
        }

        foreach (Value output in graph.Outputs)
        {
            proto.Output.Add(ToValueInfo(output));
        }

        return proto;
    }

    private static NodeProto ToNode(Node node)
    {
        var proto = new NodeProto { Name = node.Name, OpType = node.OpType, Domain = "" };
        proto.Input.AddRange(node.Inputs.Select(i => i?.Name ?? ""));
        proto.Output.AddRange(node.Outputs.Select(o => o.Name));
        foreach ((string name, AttributeValue value) in node.Attributes)
        {
            proto.Attribute.Add(ToAttribute(name, value));
        }

        return proto;
    }

    private static AttributeProto ToAttribute(string name, AttributeValue value)
    {
        var proto = new AttributeProto { Name = name };
        switch (value.Kind)
        {
            case AttributeKind.Int:
                proto.Type = AttributeProto.Types.AttributeType.Int;
                proto.I = value.Int;
                break;
            case AttributeKind.Float:
                proto.Type = AttributeProto.Types.AttributeType.Float;
                proto.F = value.Float;
                break;
            case AttributeKind.String:
                proto.Type = AttributeProto.Types.AttributeType.String;
                proto.S = ByteString.CopyFromUtf8(value.String!);
                break;
            case AttributeKind.Ints:
                proto.Type = AttributeProto.Types.AttributeType.Ints;
                proto.Ints.AddRange(value.Ints);
                break;
            case AttributeKind.Floats:
                proto.Type = AttributeProto.Types.AttributeType.Floats;
                proto.Floats.AddRange(value.Floats);
                break;
            case AttributeKind.Tensor:
                proto.Type = AttributeProto.Types.AttributeType.Tensor;
                proto.T = ToTensor(value.Tensor!, name: "");
                break;
            default:
                throw new GraphBuildException($"Attribute '{name}' has a kind the writer does not know: {value.Kind}.");
        }

        return proto;
    }

    private static TensorProto ToTensor(Value value) =>
        ToTensor(value.Data ?? throw new GraphBuildException($"'{value.Name}' has no stored data to write as an initializer."), value.Name);

    private static TensorProto ToTensor(TensorData data, string name)
    {
        var proto = new TensorProto { Name = name, DataType = (int)data.ElementType };
        proto.Dims.AddRange(data.Dims);
        proto.RawData = data.ElementType switch
        {
            ElementType.Float => ByteString.CopyFrom(LittleEndianBytes(data.Floats!)),
            ElementType.Int64 => ByteString.CopyFrom(LittleEndianBytes(data.Int64s!)),
            ElementType.Double => ByteString.CopyFrom(LittleEndianBytes(data.Doubles!)),
            _ => throw new GraphBuildException($"Tensor '{name}' has an element type the writer does not store: {data.ElementType}."),
        };
        return proto;
    }

    private static byte[] LittleEndianBytes<T>(T[] values)
        where T : unmanaged
    {
        byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(bytes, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        }

        return bytes;
    }

    private static void ReverseEach(byte[] bytes, int width)
    {
        for (int i = 0; i < bytes.Length; i += width)
        {
            bytes.AsSpan(i, width).Reverse();
        }
    }

    private static ValueInfoProto ToValueInfo(Value value)
    {
        var shape = new TensorShapeProto();
        foreach (Dim dim in value.Shape.Dims)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim.Size is { } size)
            {
                d.DimValue = size;
            }
            else if (dim.Symbol is { } symbol)
            {
                d.DimParam = symbol;
            }

            shape.Dim.Add(d);
        }

        return new ValueInfoProto
        {
            Name = value.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)value.ElementType, Shape = shape } },
        };
    }
}
