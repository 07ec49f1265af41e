namespace LeNetOnnx.Runtime.Wire;

/// <summary>
/// Finds tensors whose data lives outside the model bytes (ONNX "external data"). ONNX Runtime
/// resolves such data as file paths, which is the recurring ONNX CVE class (path traversal, huge
/// allocations), so a model is screened before ONNX Runtime ever sees it.
/// </summary>
/// <remarks>
/// Walks every place onnx.proto can hold a tensor: initializers, sparse initializers, node
/// attributes (Constant values, If/Loop/Scan subgraphs), model-local functions and training
/// info. Raw tensor payloads are skipped by length, so a 250 KB model takes microseconds.
/// </remarks>
internal static class ExternalDataScan
{
    // Protobuf's own parser stops at 100 nested messages; a LeNet model nests 2 deep (model, graph, tensor).
    private const int MaxDepth = 64;

    private const ulong DataLocationExternal = 1;

    private enum Message
    {
        None,
        Model,
        Graph,
        Node,
        Attribute,
        Tensor,
        SparseTensor,
        Function,
        TrainingInfo,
    }

    /// <summary>
    /// Returns the name of the first tensor stored as external data (<c>data_location</c> =
    /// EXTERNAL or any <c>external_data</c> entry), or null when the model is self-contained.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not well-formed protobuf.</exception>
    public static string? FindExternalTensor(ReadOnlySpan<byte> model) => Walk(new ProtoWireReader(model), Message.Model, depth: 0);

    private static string? Walk(ProtoWireReader reader, Message message, int depth)
    {
        if (message == Message.Tensor)
        {
            return ExternalTensorName(reader);
        }

        while (reader.TryReadTag(out int field, out WireType wireType))
        {
            Message child = wireType == WireType.LengthDelimited ? ChildOf(message, field) : Message.None;
            if (child == Message.None)
            {
                reader.Skip(wireType);
                continue;
            }

            if (depth == MaxDepth)
            {
                throw new InvalidDataException($"The model nests subgraphs more than {MaxDepth} levels deep; a LeNet model has no subgraphs.");
            }

            if (Walk(reader.ReadMessage(), child, depth + 1) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    // Field numbers from onnx.proto; only fields that can (transitively) hold a TensorProto.
    private static Message ChildOf(Message parent, int field) => (parent, field) switch
    {
        (Message.Model, 7) => Message.Graph,                  // ModelProto.graph
        (Message.Model, 20) => Message.TrainingInfo,          // ModelProto.training_info
        (Message.Model, 25) => Message.Function,              // ModelProto.functions
        (Message.TrainingInfo, 1 or 2) => Message.Graph,      // initialization, algorithm
        (Message.Function, 7) => Message.Node,                // FunctionProto.node
        (Message.Function, 11) => Message.Attribute,          // FunctionProto.attribute_proto
        (Message.Graph, 1) => Message.Node,                   // GraphProto.node
        (Message.Graph, 5) => Message.Tensor,                 // GraphProto.initializer
        (Message.Graph, 15) => Message.SparseTensor,          // GraphProto.sparse_initializer
        (Message.Node, 5) => Message.Attribute,               // NodeProto.attribute
        (Message.Attribute, 5 or 10) => Message.Tensor,       // AttributeProto.t, tensors
        (Message.Attribute, 6 or 11) => Message.Graph,        // AttributeProto.g, graphs
        (Message.Attribute, 22 or 23) => Message.SparseTensor, // sparse_tensor, sparse_tensors
        (Message.SparseTensor, 1 or 2) => Message.Tensor,     // SparseTensorProto.values, indices
        _ => Message.None,
    };

    private static string? ExternalTensorName(ProtoWireReader reader)
    {
        string name = "";
        bool hasExternalData = false;
        ulong dataLocation = 0;
        while (reader.TryReadTag(out int field, out WireType wireType))
        {
            switch (field, wireType)
            {
                case (OnnxFields.Tensor.Name, WireType.LengthDelimited):
                    name = reader.ReadString();
                    break;
                case (OnnxFields.Tensor.ExternalData, WireType.LengthDelimited):
                    hasExternalData = true;
                    reader.Skip(wireType);
                    break;
                case (OnnxFields.Tensor.DataLocation, WireType.Varint):
                    // Protobuf keeps the last value of a repeated scalar field.
                    dataLocation = reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return hasExternalData || dataLocation == DataLocationExternal ? (name.Length > 0 ? name : "(unnamed)") : null;
    }
}
