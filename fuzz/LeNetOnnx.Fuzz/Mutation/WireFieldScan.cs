namespace LeNetOnnx.Fuzz.Mutation;

/// <summary>
/// Finds the varints of protobuf bytes without a schema: every field value of wire type 0 and
/// every length prefix, descending into length-delimited payloads that parse as messages
/// themselves (an ONNX model's graph, nodes, tensors, dims). What does not parse is left alone,
/// so non-protobuf inputs simply yield nothing.
/// </summary>
internal static class WireFieldScan
{
    private const int MaxDepth = 8;
    private const int MaxFields = 1 << 14;

    public static List<WireField> Find(ReadOnlySpan<byte> data)
    {
        var fields = new List<WireField>();
        Walk(data, 0, 0, fields);
        return fields;
    }

    // Adds the message's varints and returns true when all of data is a well-formed message;
    // otherwise takes back what it added and returns false.
    private static bool Walk(ReadOnlySpan<byte> data, int origin, int depth, List<WireField> fields)
    {
        int mark = fields.Count;
        int position = 0;
        while (position < data.Length && fields.Count < MaxFields)
        {
            if (!TryReadVarint(data, ref position, out ulong tag, out _) || tag >> 3 == 0)
            {
                return Undo(fields, mark);
            }

            int start = position;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(data, ref position, out ulong value, out int length))
                    {
                        return Undo(fields, mark);
                    }

                    fields.Add(new WireField(origin + start, length, value, IsLength: false));
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    if (!TryReadVarint(data, ref position, out ulong size, out int prefix) || size > (ulong)(data.Length - position))
                    {
                        return Undo(fields, mark);
                    }

                    fields.Add(new WireField(origin + start, prefix, size, IsLength: true));
                    if (depth < MaxDepth && size > 0)
                    {
                        Walk(data.Slice(position, (int)size), origin + position, depth + 1, fields);
                    }

                    position += (int)size;
                    break;
                default:
                    return Undo(fields, mark);
            }

            if (position > data.Length)
            {
                return Undo(fields, mark);
            }
        }

        return true;
    }

    private static bool Undo(List<WireField> fields, int mark)
    {
        fields.RemoveRange(mark, fields.Count - mark);
        return false;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value, out int length)
    {
        value = 0;
        for (length = 1; length <= 10 && position < data.Length; length++)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << (7 * (length - 1));
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The base-128 encoding of <paramref name="value"/>.</summary>
    public static byte[] EncodeVarint(ulong value)
    {
        var bytes = new List<byte>(10);
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
