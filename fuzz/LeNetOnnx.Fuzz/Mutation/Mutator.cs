using System.Buffers.Binary;

namespace LeNetOnnx.Fuzz.Mutation;

/// <summary>
/// A deterministic mutator in the manner of AFL's havoc stage: each call stacks 1, 2, 4 or 8
/// random edits (bit flips, byte sets, arithmetic, interesting integers in either byte order,
/// truncation, deletion, insertion, duplicated chunks, splicing with another corpus entry, and
/// protobuf-aware edits of varint values and length prefixes). The same seed and the same calls
/// give the same inputs.
/// </summary>
public sealed class Mutator
{
    // Sizes and counts the parsers care about: zero, signs, type limits, IDX magics and sizes,
    // the IdxReader count limit, and lengths that overflow when multiplied.
    private static readonly long[] InterestingIntegers =
    [
        0, 1, -1, 2, 3, 4, 7, 8, 16, 28, 32, 64, 100, 127, 128, 255, 256, 784, 1000, 1024,
        2049, 2051, 4096, 32767, 32768, 65535, 65536, 1_000_000, 1_000_001,
        int.MaxValue, int.MinValue, int.MaxValue - 15, uint.MaxValue, 1L << 32, 1L << 61, long.MaxValue, long.MinValue,
    ];

    // Beyond this many bytes into the input, edits land uniformly; before it, as often as everywhere
    // else together: headers are where parsers decide.
    private const int HeaderBytes = 64;

    private readonly Random random;
    private readonly int maxLength;

    /// <param name="seed">The seed; the same seed gives the same sequence of inputs.</param>
    /// <param name="maxLength">The longest input produced; longer results are cut.</param>
    public Mutator(int seed, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        random = new Random(seed);
        this.maxLength = maxLength;
    }

    private enum Edit
    {
        FlipBit,
        SetByte,
        AddToByte,
        InterestingInteger,
        Truncate,
        DeleteChunk,
        InsertBytes,
        DuplicateChunk,
        Splice,
        WireVarint,
    }

    /// <summary>Returns a mutated copy of <paramref name="input"/>; <paramref name="corpus"/> supplies splice partners.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(corpus);
        byte[] data = (byte[])input.Clone();
        int edits = 1 << random.Next(4);
        for (int i = 0; i < edits; i++)
        {
            data = Apply((Edit)random.Next(Enum.GetValues<Edit>().Length), data, corpus);
        }

        return data.Length > maxLength ? data[..maxLength] : data;
    }

    private byte[] Apply(Edit edit, byte[] data, IReadOnlyList<byte[]> corpus)
    {
        if (data.Length == 0 && edit is not (Edit.InsertBytes or Edit.Splice))
        {
            edit = Edit.InsertBytes;
        }

        switch (edit)
        {
            case Edit.FlipBit:
                data[Position(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case Edit.SetByte:
                data[Position(data.Length)] = (byte)random.Next(256);
                return data;
            case Edit.AddToByte:
                data[Position(data.Length)] += (byte)random.Next(-35, 36);
                return data;
            case Edit.InterestingInteger:
                byte[] value = InterestingBytes();
                int at = Position(data.Length);
                value.AsSpan(0, Math.Min(value.Length, data.Length - at)).CopyTo(data.AsSpan(at));
                return data;
            case Edit.Truncate:
                return data[..random.Next(data.Length)];
            case Edit.DeleteChunk:
                (int start, int length) = Chunk(data.Length);
                return [.. data.AsSpan(0, start), .. data.AsSpan(start + length)];
            case Edit.InsertBytes:
                return Insert(data, random.Next(2) == 0 ? InterestingBytes() : RandomBytes(ChunkLength(32)));
            case Edit.DuplicateChunk:
                (int from, int count) = Chunk(data.Length);
                return Insert(data, data[from..(from + count)]);
            case Edit.Splice:
                byte[] other = corpus.Count > 0 ? corpus[random.Next(corpus.Count)] : data;
                return [.. data.AsSpan(0, random.Next(data.Length + 1)), .. other.AsSpan(random.Next(other.Length + 1))];
            case Edit.WireVarint:
                return ReplaceVarint(data);
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit, null);
        }
    }

    private byte[] ReplaceVarint(byte[] data)
    {
        List<WireField> fields = WireFieldScan.Find(data);
        if (fields.Count == 0)
        {
            data[Position(data.Length)] = (byte)random.Next(256);
            return data;
        }

        WireField field = fields[random.Next(fields.Count)];
        ulong replacement = field.IsLength
            ? random.Next(8) switch
            {
                0 => 0,
                1 => field.Value - 1,
                2 => field.Value + 1,
                3 => field.Value * 2,
                4 => field.Value / 2,
                5 => (ulong)(data.Length - field.Offset),
                6 => int.MaxValue,
                _ => ulong.MaxValue,
            }
            : unchecked((ulong)InterestingIntegers[random.Next(InterestingIntegers.Length)]);
        return [.. data.AsSpan(0, field.Offset), .. WireFieldScan.EncodeVarint(replacement), .. data.AsSpan(field.Offset + field.Length)];
    }

    private byte[] InterestingBytes()
    {
        long value = InterestingIntegers[random.Next(InterestingIntegers.Length)];
        int width = 1 << random.Next(4);
        byte[] bytes = new byte[8];
        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            return bytes[..width];
        }

        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes[(8 - width)..];
    }

    private byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Insert(byte[] data, byte[] inserted)
    {
        int at = random.Next(data.Length + 1);
        return [.. data.AsSpan(0, at), .. inserted, .. data.AsSpan(at)];
    }

    private int Position(int length) =>
        random.Next(2) == 0 ? random.Next(Math.Min(length, HeaderBytes)) : random.Next(length);

    private (int Start, int Length) Chunk(int length)
    {
        int chunk = Math.Min(length, ChunkLength(4096));
        return (random.Next(length - chunk + 1), chunk);
    }

    // 1 to max bytes, short chunks far more often than long ones.
    private int ChunkLength(int max) => 1 + random.Next(Math.Min(max, 1 << random.Next(1, 13)));
}
