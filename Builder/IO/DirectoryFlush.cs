using System.Runtime.InteropServices;

namespace LeNetOnnx.Builder.IO;

/// <summary>
/// Makes a directory's entries durable: after a file is renamed into a directory, the rename
/// itself lives in the directory, which POSIX systems only write to disk when the directory is
/// fsync'ed. Without it a power loss right after an atomic write can bring back the old file (or
/// none), though never a half-written one.
/// </summary>
/// <remarks>
/// Best effort: on Windows (where .NET cannot open a directory for flushing and NTFS journals
/// renames) and on file systems that refuse to fsync a directory it does nothing, because the
/// file's own contents were already flushed and the rename is atomic either way.
/// </remarks>
internal static partial class DirectoryFlush
{
    private const int ReadOnly = 0;

    /// <summary>Flushes the entries of <paramref name="directory"/> to disk; true when the system confirmed it.</summary>
    public static bool Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return false;
        }

        try
        {
            return FlushOpened(directory);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library under another name (or none): the write is still atomic, only not confirmed durable.
            return false;
        }
    }

    private static bool FlushOpened(string directory)
    {
        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            return false;
        }

        try
        {
            return Fsync(descriptor) == 0;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
