namespace LeNetOnnx.Builder.IO;

/// <summary>
/// Creates a directory of files so that it appears whole or not at all: the files are written
/// and flushed into a temporary sibling directory, which is flushed (its entries) and renamed to
/// the target, and the parent is flushed so the rename is on disk too (<see cref="DirectoryFlush"/>).
/// </summary>
public static class AtomicDirectory
{
    /// <summary>Writes <paramref name="files"/> (file name → contents) as the directory <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The target exists and is not an empty directory, or its parent is missing.</exception>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, byte[]>> files)
    {
        string target = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar));
        string parent = Path.GetDirectoryName(target) ?? throw new OutputPathException($"Cannot write '{target}': it has no parent directory.");
        if (!Directory.Exists(parent))
        {
            throw new OutputPathException($"Cannot write '{target}': the directory '{parent}' does not exist.");
        }

        if (File.Exists(target))
        {
            throw new OutputPathException($"Cannot write '{target}': it is a file; give the path of a new or empty directory.");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new OutputPathException($"Cannot write '{target}': the directory exists and is not empty; give a new or empty directory.");
        }

        StaleTemporaries.Remove(target);
        string temporary = StaleTemporaries.For(target);
        Directory.CreateDirectory(temporary);
        try
        {
            foreach ((string name, byte[] contents) in files)
            {
                if (name != Path.GetFileName(name))
                {
                    throw new ArgumentException($"'{name}' is not a plain file name.", nameof(files));
                }

                using var stream = new FileStream(Path.Combine(temporary, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            DirectoryFlush.Flush(temporary);
            Directory.Move(temporary, target);
            DirectoryFlush.Flush(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw OutputWriteException.Naming(target, e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
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
