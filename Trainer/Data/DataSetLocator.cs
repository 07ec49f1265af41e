namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Finds a data set on disk, and picks where to download it when it is nowhere. Search order:
/// <c>--data DIR</c>, <c>LENET_DATA</c>, <c>./data</c>, then the description's system
/// directories (Debian's <c>/usr/share/datasets/fashion-mnist</c> for Fashion-MNIST). A
/// directory counts when it holds all four files, each as <c>.gz</c> or raw.
/// </summary>
public static class DataSetLocator
{
    /// <summary>The directories to search, in order, without duplicates.</summary>
    public static IReadOnlyList<DataDirectoryCandidate> Candidates(DataSetDescription description, DataDirectorySearch search)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(search);
        var candidates = new List<DataDirectoryCandidate>();
        Add(candidates, search.DataOption, DataDirectorySource.DataOption, search.CurrentDirectory);
        Add(candidates, search.EnvironmentValue, DataDirectorySource.EnvironmentVariable, search.CurrentDirectory);
        Add(candidates, "data", DataDirectorySource.CurrentDirectory, search.CurrentDirectory);
        foreach (string directory in description.SystemDirectories)
        {
            Add(candidates, directory, DataDirectorySource.SystemDirectory, search.CurrentDirectory);
        }

        return candidates;
    }

    /// <summary>The first candidate that holds all four files, or null.</summary>
    public static DataDirectoryCandidate? FindComplete(DataSetDescription description, DataDirectorySearch search) =>
        Candidates(description, search).FirstOrDefault(candidate => HoldsAll(description, candidate.Path));

    /// <summary>True when <paramref name="directory"/> holds every file of the data set, each as .gz or raw.</summary>
    public static bool HoldsAll(DataSetDescription description, string directory)
    {
        ArgumentNullException.ThrowIfNull(description);
        return description.Files.All(file => ResolveFile(directory, file) is not null);
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="directory"/>: the .gz name if it exists, else the raw name, else null.</summary>
    public static string? ResolveFile(string directory, DataSetFile file)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(file);
        foreach (string name in new[] { file.FileName, file.RawFileName }.Distinct())
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>
    /// The first of <c>--data</c>, <c>LENET_DATA</c>, <c>./data</c> that exists or can be created
    /// and accepts a new file. System directories are never chosen.
    /// </summary>
    /// <exception cref="DataSetException">None is writable; the message lists each with its reason.</exception>
    public static DataDirectoryCandidate ChooseDownloadDirectory(DataSetDescription description, DataDirectorySearch search, IProgress<DataSetProgress>? progress = null)
    {
        var refusals = new List<string>();
        foreach (DataDirectoryCandidate candidate in Candidates(description, search).Where(c => c.Source != DataDirectorySource.SystemDirectory))
        {
            string? why = WhyNotWritable(candidate.Path);
            if (why is null)
            {
                return candidate;
            }

            refusals.Add($"  {candidate}: {why}");
            progress?.Report(new DataSetProgress(DataSetProgressKind.DirectorySkipped, null, null, 0, null, $"{candidate}: {why}"));
        }

        throw new DataSetException(
            $"{description.Name}: not found, and no directory to download it into is writable:{Environment.NewLine}{string.Join(Environment.NewLine, refusals)}{Environment.NewLine}"
            + $"Give a writable directory with --data or {DataDirectorySearch.EnvironmentVariable}.");
    }

    private static void Add(List<DataDirectoryCandidate> candidates, string? path, DataDirectorySource source, string currentDirectory)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, currentDirectory));
        if (!candidates.Any(c => string.Equals(c.Path, full, StringComparison.Ordinal)))
        {
            candidates.Add(new DataDirectoryCandidate(full, source));
        }
    }

    private static string? WhyNotWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);

            // Permissions alone do not tell (read-only mounts, ACLs): try what the download will do.
            string probe = Path.Combine(directory, $".lenet-write-test-{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
    }
}
