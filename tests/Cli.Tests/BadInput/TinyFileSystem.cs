using System.Diagnostics;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>
/// A 64 KiB tmpfs mounted on a fresh directory, to make a disk that is full or read-only for real:
/// the kernel answers ENOSPC or EROFS exactly as a real disk would. Needs root (CI and this machine
/// run tests as root); elsewhere the row that needs one is inconclusive through <see cref="Prerequisite"/>.
/// </summary>
internal sealed class TinyFileSystem : IDisposable
{
    private const string SizeOption = "size=64k";

    private TinyFileSystem(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a writable tmpfs on <paramref name="path"/> (created if missing).</summary>
    public static TinyFileSystem Mount(string path)
    {
        Directory.CreateDirectory(path);
        string? why = OperatingSystem.IsLinux() ? Run("mount", "-t", "tmpfs", "-o", SizeOption, "tmpfs", path) : "not Linux";
        if (why is not null)
        {
            Directory.Delete(path);
            Prerequisite.Missing($"A tiny tmpfs could not be mounted on {path} (needs Linux and root): {why}");
        }

        return new TinyFileSystem(path);
    }

    /// <summary>Fills every free byte with a file named <c>filler</c>, so that the next write fails with ENOSPC.</summary>
    public void Fill()
    {
        byte[] block = new byte[4096];
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, as wanted. Disposing may fail to flush the last partial
            // block for the same reason, which is fine: what was written stays.
        }
    }

    /// <summary>Makes the file system read-only: every create, write or rename in it fails with EROFS.</summary>
    public void MakeReadOnly()
    {
        if (Run("mount", "-o", "remount,ro", Path) is { } why)
        {
            Assert.Fail($"Remounting {Path} read-only failed: {why}");
        }
    }

    public void Dispose()
    {
        if (Run("umount", Path) is { } why)
        {
            Assert.Fail($"Unmounting {Path} failed: {why}");
        }

        Directory.Delete(Path);
    }

    /// <summary>Runs a command; null when it succeeded, else what it said.</summary>
    private static string? Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{command} exited with {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{command} cannot be run: {e.Message}";
        }
    }
}
