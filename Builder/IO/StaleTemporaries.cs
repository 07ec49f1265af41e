using System.Text.RegularExpressions;

namespace LeNetOnnx.Builder.IO;

/// <summary>
/// The temporaries <see cref="AtomicFile"/> and <see cref="AtomicDirectory"/> leave beside their
/// target when the process is killed mid-write (<c>.NAME.GUID.tmp</c>): the next write of the same
/// target removes the ones older than <see cref="Age"/>, so they do not pile up. Younger ones may
/// belong to another process writing the same target right now and are left alone.
/// </summary>
internal static partial class StaleTemporaries
{
    /// <summary>How old a temporary must be to count as abandoned; no write takes anywhere near this long.</summary>
    public static readonly TimeSpan Age = TimeSpan.FromHours(1);

    /// <summary>The temporary path for a write of <paramref name="target"/> (a full path).</summary>
    public static string For(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Removes abandoned temporaries of <paramref name="target"/>; never throws (it is tidying, not the write).</summary>
    public static void Remove(string target)
    {
        string directory = Path.GetDirectoryName(target)!;
        string name = Path.GetFileName(target);
        DateTime before = DateTime.UtcNow - Age;
        try
        {
            foreach (FileSystemInfo entry in new DirectoryInfo(directory).EnumerateFileSystemInfos($".{name}.*.tmp"))
            {
                Match match = Temporary().Match(entry.Name);
                if (!match.Success || match.Groups["target"].Value != name || entry.LastWriteTimeUtc > before)
                {
                    continue;
                }

                if (entry is DirectoryInfo folder)
                {
                    folder.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for a later write; the write itself goes on.
        }
    }

    [GeneratedRegex(@"^\.(?<target>.+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex Temporary();
}
