using System.Buffers.Binary;
using System.IO.Compression;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Reads ranges of images from an IDX images file (gzip or raw, told by its magic) and keeps only
/// those: the header is checked as <see cref="ImageDataSet.Load"/> checks it, the images before a
/// range are skipped (seeked over in a raw file, decompressed and dropped in a gzip one), and
/// nothing after the last range is read.
/// </summary>
/// <remarks>
/// Every <see cref="DataSetException"/> names the file as it was given to <see cref="Open"/>, in
/// quotes. As only what is asked for is read, the rest of the file is not checked the way
/// <see cref="ImageDataSet.Load"/> checks it (trailing bytes, the gzip trailer).
/// </remarks>
/// <example>
/// <code>
/// using IdxImageReader images = IdxImageReader.Open("t10k-images-idx3-ubyte.gz", 28, 28);
/// byte[] firstTen = images.ReadImages(0, Math.Min(10, images.Count));   // 784 bytes per image
/// </code>
/// </example>
public sealed class IdxImageReader : IDisposable
{
    private static readonly int HeaderLength = IdxReader.HeaderLength(IdxReader.ImagesMagic);
    private const int SkipBufferBytes = 1 << 16;

    private readonly FileStream file;
    private readonly Stream data;
    private readonly string name;

    // The image the data stream stands at: ranges are read in order.
    private int next;

    private IdxImageReader(FileStream file, Stream data, string name, int count, int rows, int columns)
    {
        this.file = file;
        this.data = data;
        this.name = name;
        Count = count;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The number of images the header announces.</summary>
    public int Count { get; }

    /// <summary>Image height.</summary>
    public int Rows { get; }

    /// <summary>Image width.</summary>
    public int Columns { get; }

    /// <summary>
    /// Whether a file's first four bytes may start an IDX file: a raw IDX magic (images 2051 or
    /// labels 2049, big-endian), or the gzip magic 1f 8b (what it holds is checked by <see cref="Open"/>).
    /// </summary>
    /// <param name="head">The first bytes of the file, four or fewer when the file is shorter.</param>
    /// <example><c>IdxImageReader.MayBeIdx([0, 0, 8, 3])</c> is true; the first bytes of a PNG give false.</example>
    public static bool MayBeIdx(ReadOnlySpan<byte> head) =>
        IdxReader.IsGzip(head)
        || (head.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(head) is IdxReader.ImagesMagic or IdxReader.LabelsMagic);

    /// <summary>Opens an IDX images file and checks its header; the images are read by <see cref="ReadImages"/>.</summary>
    /// <param name="path">The file, gzip or raw.</param>
    /// <param name="rows">The image height the file must have.</param>
    /// <param name="columns">The image width the file must have.</param>
    /// <param name="maxCount">The largest count accepted in the header; above it the header is taken as corrupt.</param>
    /// <returns>The open file; dispose it.</returns>
    /// <exception cref="DataSetException">
    /// The file is missing or unreadable, an IDX labels file, not an IDX images file, of other
    /// dimensions, or its header is truncated, corrupt or announces more than <paramref name="maxCount"/> images.
    /// </exception>
    /// <example><c>using IdxImageReader images = IdxImageReader.Open("t10k-images-idx3-ubyte.gz", 28, 28);</c></example>
    public static IdxImageReader Open(string path, int rows, int columns, int maxCount = IdxReader.DefaultMaxCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        string name = $"'{path}'";
        FileStream file = OpenFile(path, name);
        Stream data = file;
        bool opened = false;
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            int sniffed = file.ReadAtLeast(header[..2], 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (IdxReader.IsGzip(header[..sniffed]))
            {
                data = new GZipStream(file, CompressionMode.Decompress);
            }

            int read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read >= 4 && BinaryPrimitives.ReadInt32BigEndian(header) == IdxReader.LabelsMagic)
            {
                throw new DataSetException($"{name} is an IDX labels file; give the images file (…-images-idx3-ubyte).");
            }

            int count = IdxReader.CheckHeader(header, read, name, IdxReader.ImagesMagic, rows, columns, maxCount);
            opened = true;
            return new IdxImageReader(file, data, name, count, rows, columns);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(name, e);
        }
        finally
        {
            if (!opened)
            {
                data.Dispose();
                file.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads the images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1,
    /// one byte per pixel, row-major, image after image. Ranges are read in order: a range may
    /// not start before the end of the previous one.
    /// </summary>
    /// <param name="start">The first image, 0-based.</param>
    /// <param name="count">How many images.</param>
    /// <returns><paramref name="count"/> × <see cref="Rows"/> × <see cref="Columns"/> bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not within 0 .. <see cref="Count"/>−1, or does not fit in one array.</exception>
    /// <exception cref="InvalidOperationException">The range starts before the end of the previous one.</exception>
    /// <exception cref="DataSetException">The file ends before the range does, or its gzip data is corrupt.</exception>
    /// <example><c>byte[] image = images.ReadImages(9999, 1);</c></example>
    public byte[] ReadImages(int start, int count)
    {
        ObjectDisposedException.ThrowIf(!file.CanRead, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        if (start < next)
        {
            throw new InvalidOperationException($"Images from {start} were asked for after images up to {next - 1}; read ranges in order, or open the file again.");
        }

        long imageBytes = (long)Rows * Columns;
        long length = count * imageBytes;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength, nameof(count));
        byte[] pixels = new byte[length];
        try
        {
            Skip((start - next) * imageBytes);
            int read = data.ReadAtLeast(pixels, pixels.Length, throwOnEndOfStream: false);
            if (read < pixels.Length)
            {
                throw Truncated((start * imageBytes) + read);
            }
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(name, e);
        }

        next = start + count;
        return pixels;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        // A GZipStream closes the file with it; disposing the file again does nothing.
        data.Dispose();
        file.Dispose();
    }

    private static FileStream OpenFile(string path, string name)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: SkipBufferBytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataSetException($"{name}: not found at '{Path.GetFullPath(path)}'.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataSetException($"{name}: cannot be read ({e.Message}).", e);
        }
    }

    private static DataSetException Corrupt(string name, Exception e) =>
        new($"{name}: the gzip data is corrupt or truncated ({e.Message}).", e);

    private void Skip(long bytes)
    {
        // Where the data stands, in bytes after the header.
        long at = next * ((long)Rows * Columns);
        if (data.CanSeek)
        {
            long available = data.Length - HeaderLength - at;
            if (bytes > available)
            {
                throw Truncated(at + available);
            }

            data.Position += bytes;
            return;
        }

        byte[] buffer = new byte[(int)Math.Min(SkipBufferBytes, Math.Max(bytes, 1))];
        for (long left = bytes; left > 0;)
        {
            int read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw Truncated(at + bytes - left);
            }

            left -= read;
        }
    }

    private DataSetException Truncated(long filled) =>
        IdxReader.Truncated(name, IdxReader.ImagesMagic, Count, Count * ((long)Rows * Columns), filled);
}
