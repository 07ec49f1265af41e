namespace LeNetOnnx.Runtime.Wire;

/// <summary>The protobuf wire types: how a field's payload is encoded after its tag.</summary>
internal enum WireType
{
    /// <summary>A base-128 varint (int32, int64, bool, enum).</summary>
    Varint = 0,

    /// <summary>Eight little-endian bytes (fixed64, double).</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes (string, bytes, messages, packed repeats).</summary>
    LengthDelimited = 2,

    /// <summary>Deprecated group start; ONNX never uses it.</summary>
    StartGroup = 3,

    /// <summary>Deprecated group end; ONNX never uses it.</summary>
    EndGroup = 4,

    /// <summary>Four little-endian bytes (fixed32, float).</summary>
    Fixed32 = 5,
}
