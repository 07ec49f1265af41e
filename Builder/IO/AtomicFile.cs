namespace LeNetOnnx.Builder.IO;

/// <summary>
/// Writes a file so that its final name only ever holds complete contents: write a temporary
/// file beside it, flush it to disk, rename it over the target, then flush the directory so the
/// rename is on disk too (<see cref="DirectoryFlush"/>). On failure the temporary file is removed
/// and the target is untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">The path is a directory or a device, or its directory does not exist.</exception>
    /// <exception cref="IOException">Writing failed (disk full, I/O error); the target is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new IOException($"'{path}' has no parent directory.");
        if (!Directory.Exists(directory))
        {
            throw new OutputPathException($"Cannot write '{fullPath}': the directory '{directory}' does not exist.");
        }

        if (Directory.Exists(fullPath))
        {
            throw new OutputPathException($"Cannot write '{fullPath}': it is a directory; give the path of a file.");
        }

        if (FileSystemEntryKind.IsSpecial(fullPath))
        {
            throw new OutputPathException($"Cannot write '{fullPath}': it is not a regular file (a device, pipe or socket); give the path of a file.");
        }

        StaleTemporaries.Remove(fullPath);
        string temporary = StaleTemporaries.For(fullPath);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
            DirectoryFlush.Flush(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw OutputWriteException.Naming(fullPath, e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is what the caller needs to hear about.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
