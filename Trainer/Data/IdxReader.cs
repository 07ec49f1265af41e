using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Reads IDX files of unsigned bytes (LeCun's MNIST format): a big-endian header (magic 2051 and
/// count, rows, columns for images; magic 2049 and count for labels) followed by the bytes. Gzip
/// is told by its magic 1f 8b, not by the file name.
/// </summary>
/// <remarks>
/// Nothing is allocated from the header alone: a count above <see cref="DefaultMaxCount"/> is
/// refused, and the data buffer grows only as decompressed bytes actually arrive, so a forged
/// header or a gzip bomb costs at most what the file really holds.
/// </remarks>
internal static class IdxReader
{
    /// <summary>The largest count accepted in a header; MNIST-style sets hold at most a few hundred thousand items.</summary>
    public const int DefaultMaxCount = 1_000_000;

    public const int ImagesMagic = 2051;
    public const int LabelsMagic = 2049;

    private const int InitialBufferBytes = 1 << 20;

    /// <summary>Reads an image file whose images must be <paramref name="rows"/>×<paramref name="columns"/>.</summary>
    public static IdxContents ReadImages(string path, int rows, int columns, int maxCount = DefaultMaxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        return Read(path, ImagesMagic, rows, columns, maxCount, classCount: 0);
    }

    /// <summary>Reads a label file whose labels must lie in 0 .. <paramref name="classCount"/>−1.</summary>
    public static IdxContents ReadLabels(string path, int classCount, int maxCount = DefaultMaxCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        return Read(path, LabelsMagic, 1, 1, maxCount, classCount);
    }

    private static IdxContents Read(string path, int magic, int rows, int columns, int maxCount, int classCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        string name = Path.GetFileName(path);
        string fullPath = Path.GetFullPath(path);
        int itemBytes = checked(rows * columns);
        long maxBody = (long)maxCount * itemBytes;
        if (maxBody > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"{maxCount} items of {itemBytes} bytes do not fit in one array.");
        }

        byte[] file = ReadBounded(fullPath, name, HeaderLength(magic) + maxBody);
        bool compressed = IsGzip(file);
        string fileSha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        try
        {
            using var stored = new MemoryStream(file, writable: false);
            using Stream data = compressed ? new GZipStream(stored, CompressionMode.Decompress) : stored;
            using var contentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

            Span<byte> header = stackalloc byte[HeaderLength(magic)];
            int count = ReadHeader(data, header, name, magic, rows, columns, maxCount);
            contentHash.AppendData(header);

            byte[] body = ReadBody(data, (long)count * itemBytes, name, count, magic);
            if (data.ReadByte() != -1)
            {
                throw new DataSetException($"{name}: trailing bytes after the {count:N0} {Items(magic)} the header announces; the file is corrupt or not this data set's.");
            }

            if (compressed)
            {
                CheckGzipTrailer(file, header.Length + (long)body.Length, name);
            }

            contentHash.AppendData(body);
            if (classCount > 0)
            {
                CheckLabels(body, classCount, name);
            }

            var source = new SourceFile(fullPath, fileSha256, Convert.ToHexStringLower(contentHash.GetHashAndReset()), compressed);
            return new IdxContents(body, count, source);
        }
        catch (InvalidDataException e)
        {
            throw new DataSetException($"{name}: the gzip data is corrupt or truncated ({e.Message}). Delete the file so it is downloaded again.", e);
        }
    }

    /// <summary>Whether <paramref name="head"/>, a file's first bytes, is the gzip magic 1f 8b.</summary>
    internal static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    private static int ReadHeader(Stream data, Span<byte> header, string name, int magic, int rows, int columns, int maxCount)
    {
        int read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return CheckHeader(header, read, name, magic, rows, columns, maxCount);
    }

    /// <summary>
    /// Checks a header of which <paramref name="read"/> bytes arrived (the magic, the count, the
    /// image dimensions) and returns the count; throws <see cref="DataSetException"/> naming
    /// <paramref name="name"/>.
    /// </summary>
    internal static int CheckHeader(ReadOnlySpan<byte> header, int read, string name, int magic, int rows, int columns, int maxCount)
    {
        if (read < 4)
        {
            throw new DataSetException($"{name}: {read} bytes, too short for an IDX header ({header.Length} bytes expected).");
        }

        int found = BinaryPrimitives.ReadInt32BigEndian(header);
        if (found != magic)
        {
            throw new DataSetException($"{name}: expected magic {magic} ({Items(magic)}), found {found}{Known(found)}.");
        }

        if (read < header.Length)
        {
            throw new DataSetException($"{name}: truncated IDX header: {read} of {header.Length} bytes.");
        }

        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0 || count > maxCount)
        {
            throw new DataSetException($"{name}: the header announces {count:N0} {Items(magic)}; at most {maxCount:N0} are accepted, so the header is corrupt.");
        }

        if (magic == ImagesMagic)
        {
            int foundRows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
            int foundColumns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
            if (foundRows != rows || foundColumns != columns)
            {
                throw new DataSetException($"{name}: expected {rows}x{columns} images, found {foundRows}x{foundColumns}.");
            }
        }

        return count;
    }

    /// <summary>The data ended early: <paramref name="filled"/> of the <paramref name="length"/> bytes announced for <paramref name="count"/> items follow the header.</summary>
    internal static DataSetException Truncated(string name, int magic, int count, long length, long filled) =>
        new($"{name}: truncated: the header announces {count:N0} {Items(magic)} ({length:N0} bytes of data) but only {filled:N0} bytes follow it.");

    private static byte[] ReadBody(Stream data, long length, string name, int count, int magic)
    {
        byte[] body = new byte[Math.Min(length, InitialBufferBytes)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == body.Length)
            {
                Array.Resize(ref body, (int)Math.Min(length, 2L * body.Length));
            }

            int read = data.Read(body, filled, body.Length - filled);
            if (read == 0)
            {
                throw Truncated(name, magic, count, length, filled);
            }

            filled += read;
        }

        return body;
    }

    // .NET's GZipStream ignores bytes after the gzip member and does not check the trailer, so
    // compare the trailer's size field (length mod 2^32) with what was decompressed. The IDX
    // files are single-member gzip, whose last four bytes are that field.
    private static void CheckGzipTrailer(byte[] file, long decompressed, string name)
    {
        uint recorded = file.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 4)) : 0;
        if (recorded != (uint)decompressed)
        {
            throw new DataSetException($"{name}: the gzip trailer records {recorded:N0} bytes but the data decompressed to {decompressed:N0}: bytes follow the gzip stream, or it is damaged.");
        }
    }

    private static void CheckLabels(ReadOnlySpan<byte> labels, int classCount, string name)
    {
        if (classCount >= 256)
        {
            return;
        }

        int index = labels.IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (index >= 0)
        {
            throw new DataSetException($"{name}: label {labels[index]} at index {index:N0} is outside 0..{classCount - 1}.");
        }
    }

    private static byte[] ReadBounded(string fullPath, string name, long maxRawBytes)
    {
        // A gzip stream of incompressible data is slightly larger than the data; allow for that.
        long limit = maxRawBytes + (maxRawBytes / 100) + 1024;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (stream.Length > limit)
            {
                throw new DataSetException($"{name}: {stream.Length:N0} bytes, more than any accepted IDX file ({limit:N0}); it is not one.");
            }

            byte[] contents = new byte[stream.Length];
            stream.ReadExactly(contents);
            return contents;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataSetException($"{name}: not found at '{fullPath}'.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataSetException($"{name}: cannot be read ({e.Message}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataSetException($"{name}: the file shrank while it was read; read it again.", e);
        }
    }

    internal static int HeaderLength(int magic) => magic == ImagesMagic ? 16 : 8;

    private static string Items(int magic) => magic == ImagesMagic ? "images" : "labels";

    private static string Known(int magic) => magic switch
    {
        ImagesMagic => " (images)",
        LabelsMagic => " (labels)",
        _ => " (not an IDX file of unsigned bytes)",
    };
}
