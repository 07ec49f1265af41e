namespace LeNetOnnx.Fuzz.Mutation;

/// <summary>A varint in protobuf bytes: a field's value (wire type 0) or a length prefix (wire type 2).</summary>
/// <param name="Offset">Where the varint starts.</param>
/// <param name="Length">How many bytes it takes.</param>
/// <param name="Value">What it says.</param>
/// <param name="IsLength">Whether it is a length prefix rather than a value.</param>
internal readonly record struct WireField(int Offset, int Length, ulong Value, bool IsLength);
