using System.Text;

namespace LeNetOnnx.Runtime.Wire;

/// <summary>
/// Reads the protobuf wire format field by field without a schema: just enough to walk an ONNX
/// model's message tree and skip everything else. Every read is bounds-checked; malformed or
/// truncated bytes raise <see cref="InvalidDataException"/> with the offset, never anything else.
/// </summary>
internal ref struct ProtoWireReader
{
    private const int MaxVarintBytes = 10;
    private const int MaxFieldNumber = (1 << 29) - 1;

    private readonly ReadOnlySpan<byte> data;

    // Where data starts in the whole model, so errors name an offset a hex viewer can find.
    private readonly int origin;
    private int position;

    public ProtoWireReader(ReadOnlySpan<byte> data)
        : this(data, origin: 0)
    {
    }

    private ProtoWireReader(ReadOnlySpan<byte> data, int origin)
    {
        this.data = data;
        this.origin = origin;
        position = 0;
    }

    /// <summary>Where the reader is, in bytes from the start of the whole model.</summary>
    public readonly int Offset => origin + position;

    /// <summary>Whether every byte of the message has been read.</summary>
    public readonly bool AtEnd => position == data.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (position == data.Length)
        {
            field = 0;
            wireType = default;
            return false;
        }

        int start = position;
        ulong tag = ReadVarint();
        ulong number = tag >> 3;
        if (number is 0 or > MaxFieldNumber)
        {
            throw Malformed(start, $"field number {number} is outside 1 to {MaxFieldNumber}");
        }

        field = (int)number;
        wireType = (WireType)(tag & 7);
        return true;
    }

    /// <summary>Reads a base-128 varint of at most 10 bytes.</summary>
    public ulong ReadVarint()
    {
        int start = position;
        ulong value = 0;
        for (int i = 0; i < MaxVarintBytes; i++)
        {
            if (position == data.Length)
            {
                throw Truncated(start, "a varint");
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                // The tenth byte can only carry the 64th bit.
                if (i == MaxVarintBytes - 1 && b > 1)
                {
                    break;
                }

                return value;
            }
        }

        throw Malformed(start, "a varint is longer than 64 bits");
    }

    /// <summary>Reads a length-delimited payload as a reader of its own.</summary>
    public ProtoWireReader ReadMessage()
    {
        ReadOnlySpan<byte> payload = ReadLengthDelimited();
        return new ProtoWireReader(payload, origin + position - payload.Length);
    }

    /// <summary>Reads a length-delimited payload as UTF-8 text.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    /// <summary>Reads a length-delimited payload as bytes (a view of the model, not a copy).</summary>
    public ReadOnlySpan<byte> ReadBytes() => ReadLengthDelimited();

    /// <summary>Reads four little-endian bytes (a fixed32 or float field).</summary>
    public uint ReadFixed32()
    {
        int start = position;
        Advance(4, "a fixed32");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(start, 4));
    }

    /// <summary>Skips the payload of a field whose tag was just read.</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8, "a fixed64");
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Advance(4, "a fixed32");
                break;
            case WireType.StartGroup or WireType.EndGroup:
                throw Malformed(position, $"wire type {(int)wireType} (deprecated groups) is never used by ONNX");
            default:
                throw Malformed(position, $"wire type {(int)wireType} does not exist");
        }
    }

    private ReadOnlySpan<byte> ReadLengthDelimited()
    {
        int start = position;
        ulong length = ReadVarint();
        int remaining = data.Length - position;
        if (length > (ulong)remaining)
        {
            throw new InvalidDataException(
                $"The field at byte {origin + start} declares {length} bytes but its message has only {remaining} left: the model is truncated or not an ONNX model.");
        }

        ReadOnlySpan<byte> payload = data.Slice(position, (int)length);
        position += (int)length;
        return payload;
    }

    private void Advance(int count, string what)
    {
        if (data.Length - position < count)
        {
            throw Truncated(position, what);
        }

        position += count;
    }

    private readonly InvalidDataException Truncated(int at, string what) =>
        new($"The bytes end inside {what} at byte {origin + at}: the model is truncated or not an ONNX model.");

    private readonly InvalidDataException Malformed(int at, string problem) =>
        new($"Malformed protobuf at byte {origin + at}: {problem}. The file is not an ONNX model or is corrupt.");
}
