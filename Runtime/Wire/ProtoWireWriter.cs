using System.Buffers;
using System.Text;

namespace LeNetOnnx.Runtime.Wire;

/// <summary>
/// Writes the protobuf wire format field by field without a schema: the counterpart of
/// <see cref="ProtoWireReader"/> for the few messages the Runtime composes (a rewritten graph).
/// Nested messages are written into a writer of their own and added with <see cref="WriteMessage"/>.
/// </summary>
internal sealed class ProtoWireWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new();

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => buffer.WrittenSpan;

    /// <summary>Appends bytes that already are whole, encoded fields (copied from another message).</summary>
    public void WriteRaw(ReadOnlySpan<byte> fields) => buffer.Write(fields);

    /// <summary>An int64, int32 or enum field.</summary>
    public void WriteVarintField(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteStringField(int field, string value) => WriteBytesField(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    /// <summary>A message field whose fields <paramref name="message"/> holds.</summary>
    public void WriteMessage(int field, ProtoWireWriter message) => WriteBytesField(field, message.WrittenSpan);

    private void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        Span<byte> bytes = buffer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            bytes[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[i++] = (byte)value;
        buffer.Advance(i);
    }
}
