namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Gets a data set into memory: finds it on disk (<see cref="DataSetLocator"/>), downloads what
/// is missing into the first writable directory when it is nowhere, then loads and checks it.
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient();
/// var provider = new DataSetProvider(new DataSetDownloader(http));
/// DataSetSplits data = await provider.LoadAsync(FashionMnist.Description, DataDirectorySearch.FromProcess(null),
///     new Progress&lt;DataSetProgress&gt;(p => Console.Error.WriteLine(p)));
/// Console.WriteLine($"{data.Train.Count} training images from {data.Directory}");
/// </code>
/// </example>
/// <param name="downloader">Downloads missing files; null to only use what is on disk.</param>
public sealed class DataSetProvider(DataSetDownloader? downloader)
{
    /// <summary>Finds or downloads the data set, then loads both splits.</summary>
    /// <exception cref="DataSetException">It is nowhere and cannot be downloaded, no directory is writable, or a file is malformed or other data.</exception>
    /// <exception cref="DataSetDownloadException">A file could not be had from any mirror.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DataSetSplits> LoadAsync(
        DataSetDescription description,
        DataDirectorySearch search,
        IProgress<DataSetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(search);
        DataDirectoryCandidate? found = DataSetLocator.FindComplete(description, search);
        if (found is null)
        {
            if (downloader is null || description.Mirrors.Count == 0)
            {
                string searched = string.Join(Environment.NewLine, DataSetLocator.Candidates(description, search).Select(c => $"  {c}"));
                throw new DataSetException(
                    $"{description.Name}: no directory holds its four files ({string.Join(", ", description.Files.Select(f => f.FileName))}, .gz or raw). Searched:{Environment.NewLine}{searched}{Environment.NewLine}"
                    + $"Put them in one of these, or point --data or {DataDirectorySearch.EnvironmentVariable} at them.");
            }

            found = DataSetLocator.ChooseDownloadDirectory(description, search, progress);
            await downloader.DownloadMissingAsync(description, found.Path, progress, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new DataSetProgress(DataSetProgressKind.Found, null, null, 0, null, found.ToString()));
        return DataSetSplits.Load(description, found.Path);
    }
}
