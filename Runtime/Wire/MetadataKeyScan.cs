namespace LeNetOnnx.Runtime.Wire;

/// <summary>
/// Finds a <c>metadata_props</c> key holding a NUL character. ONNX Runtime hands keys to .NET as
/// C strings, cut at the NUL, then looks the cut key up, finds nothing, and its
/// <c>ModelMetadata</c> throws <see cref="NullReferenceException"/>; such a model (corrupt: LeNetOnnx
/// never writes one) is refused before ONNX Runtime sees it. Found by fuzzing.
/// </summary>
internal static class MetadataKeyScan
{

    /// <summary>Returns the first key with a NUL character, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The bytes are not well-formed protobuf.</exception>
    public static string? FindKeyWithNul(ReadOnlySpan<byte> model)
    {
        var reader = new ProtoWireReader(model);
        while (reader.TryReadTag(out int field, out WireType wireType))
        {
            if (field != OnnxFields.Model.MetadataProps || wireType != WireType.LengthDelimited)
            {
                reader.Skip(wireType);
                continue;
            }

            ProtoWireReader entry = reader.ReadMessage();
            while (entry.TryReadTag(out int entryField, out WireType entryWireType))
            {
                if (entryField == OnnxFields.StringStringEntry.Key && entryWireType == WireType.LengthDelimited)
                {
                    string key = entry.ReadString();
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        return key;
                    }
                }
                else
                {
                    entry.Skip(entryWireType);
                }
            }
        }

        return null;
    }
}
