using LeNetOnnx.Builder;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// The data sets a command names: <c>fashion-mnist</c> and <c>mnist</c> (found on disk or
/// downloaded) and <c>idx</c>, a directory of one's own (<see cref="IdxDirectory"/>).
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient();
/// DataSetSplits data = await DataSetCatalog.LoadAsync("idx", DataDirectorySearch.FromProcess("data/digits"), new DataSetDownloader(http));
/// </code>
/// </example>
public static class DataSetCatalog
{
    /// <summary>Zalando's Fashion-MNIST, the default.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>LeCun's MNIST digits.</summary>
    public const string MnistName = "mnist";

    /// <summary>The IDX files and <c>labels.txt</c> of the <c>--data</c> directory.</summary>
    public const string IdxName = "idx";

    /// <summary>Every name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = [FashionMnistName, MnistName, IdxName];

    /// <summary>True when <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    public static bool Contains(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// Loads the named data set: Fashion-MNIST or MNIST from the first directory of
    /// <paramref name="search"/> that holds them (downloading them when none does and a
    /// downloader is given), or the IDX data set in <paramref name="search"/>'s data directory.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is none of <see cref="Names"/>.</exception>
    /// <exception cref="DataSetException">The data set is missing, malformed, or (for <c>idx</c>) no data directory was given.</exception>
    /// <exception cref="DataSetDownloadException">A file could not be downloaded from any mirror.</exception>
    public static Task<DataSetSplits> LoadAsync(
        string name,
        DataDirectorySearch search,
        DataSetDownloader? downloader,
        IProgress<DataSetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        switch (name)
        {
            case FashionMnistName:
                return new DataSetProvider(downloader).LoadAsync(FashionMnist.Description, search, progress, cancellationToken);
            case MnistName:
                return new DataSetProvider(downloader).LoadAsync(Mnist.Description, search, progress, cancellationToken);
            case IdxName:
                if (search.DataOption is null)
                {
                    throw new DataSetException($"--dataset idx reads a directory of your own: give it with --data DIR (the four IDX files, .gz or raw, and {IdxDirectory.LabelsFileName} with one class name per line).");
                }

                string directory = Path.GetFullPath(search.DataOption, search.CurrentDirectory);
                DataSetSplits splits = DataSetSplits.Load(IdxDirectory.Describe(directory), directory);
                progress?.Report(new DataSetProgress(DataSetProgressKind.Found, null, null, 0, null, directory));
                return Task.FromResult(splits);
            default:
                throw new InvalidOptionException($"Unknown data set '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name));
        }
    }
}
