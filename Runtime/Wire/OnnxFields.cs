namespace LeNetOnnx.Runtime.Wire;

/// <summary>
/// The field numbers (and the enum values) of onnx.proto that the Runtime reads and writes on the
/// wire, one class per message, named as in onnx.proto. The Runtime reads models without the
/// generated protobuf classes (the Builder's), so this is its one copy of those numbers.
/// </summary>
internal static class OnnxFields
{
    /// <summary><c>ModelProto</c>.</summary>
    internal static class Model
    {
        public const int IrVersion = 1;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    /// <summary><c>GraphProto</c>.</summary>
    internal static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int Input = 11;
        public const int Output = 12;
        public const int ValueInfo = 13;
    }

    /// <summary><c>NodeProto</c>.</summary>
    internal static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int Domain = 7;
    }

    /// <summary><c>AttributeProto</c>, and its <c>AttributeType</c> INTS.</summary>
    internal static class Attribute
    {
        public const int Name = 1;
        public const int I = 3;
        public const int S = 4;
        public const int Ints = 8;
        public const int Type = 20;
        public const int TypeInts = 7;
    }

    /// <summary><c>TensorProto</c>, and its <c>DataType</c> FLOAT.</summary>
    internal static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int FloatData = 4;
        public const int Name = 8;
        public const int RawData = 9;
        public const int ExternalData = 13;
        public const int DataLocation = 14;
        public const int DataTypeFloat = 1;
    }

    /// <summary><c>ValueInfoProto</c>.</summary>
    internal static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    /// <summary><c>OperatorSetIdProto</c>.</summary>
    internal static class OperatorSetId
    {
        public const int Version = 2;
    }

    /// <summary><c>TypeProto</c>, its <c>Tensor</c>, <c>TensorShapeProto</c> and <c>Dimension</c>.</summary>
    internal static class TypeProto
    {
        public const int TensorType = 1;
        public const int TensorElemType = 1;
        public const int TensorShape = 2;
        public const int ShapeDim = 1;
        public const int DimValue = 1;
    }

    /// <summary><c>StringStringEntryProto</c>.</summary>
    internal static class StringStringEntry
    {
        public const int Key = 1;
    }
}
