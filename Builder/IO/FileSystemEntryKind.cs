using System.Runtime.InteropServices;

namespace LeNetOnnx.Builder.IO;

/// <summary>
/// Tells regular files from devices, pipes and sockets, which .NET reports alike. An atomic
/// writer renames over its target, so a target like <c>/dev/full</c> must be refused, not replaced.
/// </summary>
internal static partial class FileSystemEntryKind
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>True when <paramref name="path"/> exists and is something other than a regular file or directory.</summary>
    public static bool IsSpecial(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return false;
        }

        // statx's buffer layout is the same on every Linux architecture (unlike stat's).
        byte[] buffer = new byte[256];
        if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
        {
            return false;
        }

        int mode = BitConverter.ToUInt16(buffer, ModeOffset);
        return (mode & FileTypeMask) != RegularFile;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
