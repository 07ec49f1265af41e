namespace LeNetOnnx.Cli;

/// <summary>
/// Checks, before long work, that a directory which will receive output can: so that training
/// fails in its first second, not after its last epoch, when the disk is full or read-only or the
/// path runs through a file. Creates nothing: the probe file goes into the nearest existing
/// directory on the path and is unlinked as soon as it exists, then written through its handle,
/// so that only a kill between those two system calls (microseconds, not the flush to disk that
/// follows) can leave it behind.
/// </summary>
internal static class OutputLocation
{
    /// <summary>Throws when a file cannot be written into <paramref name="directory"/> (which may not exist yet).</summary>
    /// <param name="directory">The directory to receive output.</param>
    /// <param name="option">The option that named it, for the message.</param>
    /// <exception cref="UsageException">The path runs through a file.</exception>
    /// <exception cref="UnauthorizedAccessException">Writing is not permitted.</exception>
    /// <exception cref="IOException">Writing failed: the disk is full or read-only (the errno is kept in <see cref="Exception.HResult"/>).</exception>
    public static void CheckWritable(string directory, string option)
    {
        string full = Path.GetFullPath(directory);
        string existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new UsageException($"{option} '{full}': '{existing}' is a file, not a directory; give another path.");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{option} '{full}': no part of the path exists.");
        }

        string probe = Path.Combine(existing, $".lenet-write-test-{Guid.NewGuid():N}.tmp");
        try
        {
            // One byte, flushed: an empty file needs no space, so only a write finds a full disk.
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 1);
            File.Delete(probe);
            stream.WriteByte(0);
            stream.Flush(flushToDisk: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{option} '{full}': {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new IOException($"{option} '{full}': {e.Message}", e.HResult);
        }
    }
}
