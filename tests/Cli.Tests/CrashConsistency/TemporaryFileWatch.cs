using System.Text.RegularExpressions;

namespace LeNetOnnx.Cli.Tests.CrashConsistency;

/// <summary>
/// Reports, the moment it is created, every temporary file <c>AtomicFile</c> makes in some
/// directories (<c>.NAME.GUID.tmp</c> beside <c>NAME</c>), with the final name it is for and how
/// many temporaries for that name this watch has seen: a test kills a writer mid-write with it.
/// </summary>
internal sealed partial class TemporaryFileWatch : IDisposable
{
    private readonly List<FileSystemWatcher> watchers = [];
    private readonly Dictionary<string, int> seen = new(StringComparer.Ordinal);

    /// <param name="directories">The directories to watch (not their subdirectories).</param>
    /// <param name="created">Called on a watcher thread with the final file name and its ordinal (1 for the first temporary of that name).</param>
    public TemporaryFileWatch(IEnumerable<string> directories, Action<string, int> created)
    {
        foreach (string directory in directories)
        {
            var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName, InternalBufferSize = 64 * 1024 };
            watcher.Created += (_, e) =>
            {
                if (TargetName(e.Name) is not { } target)
                {
                    return;
                }

                int ordinal;
                lock (seen)
                {
                    ordinal = seen[target] = seen.GetValueOrDefault(target) + 1;
                }

                created(target, ordinal);
            };
            watcher.EnableRaisingEvents = true;
            watchers.Add(watcher);
        }
    }

    /// <summary>The final name a temporary file of <c>AtomicFile</c> is for, or null for any other name.</summary>
    public static string? TargetName(string? fileName) =>
        fileName is not null && TemporaryName().Match(fileName) is { Success: true } m ? m.Groups["target"].Value : null;

    public void Dispose()
    {
        foreach (FileSystemWatcher watcher in watchers)
        {
            watcher.Dispose();
        }
    }

    [GeneratedRegex(@"^\.(?<target>.+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();
}
