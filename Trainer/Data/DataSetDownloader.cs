using System.Buffers;
using System.Security.Cryptography;
using LeNetOnnx.Builder.IO;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Downloads a data set's files, trying its mirrors in order. A mirror fails on an HTTP error, a
/// timeout, a broken connection, a body shorter (or longer) than announced, or a checksum other
/// than the published one; then the next is tried. A verified file is written atomically, so its
/// final name never holds a partial or unverified download.
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient();
/// var downloader = new DataSetDownloader(http);
/// var progress = new Progress&lt;DataSetProgress&gt;(p => Console.Error.WriteLine(p));
/// await downloader.DownloadMissingAsync(FashionMnist.Description, "data", progress);
/// </code>
/// </example>
/// <param name="httpClient">The client to download with; the caller owns it (tests pass one bound to a local server).</param>
/// <param name="options">Timeout and size limit; the defaults when omitted.</param>
public sealed class DataSetDownloader(HttpClient httpClient, DownloadOptions? options = null)
{
    private const int ProgressStepBytes = 1 << 20;

    private readonly HttpClient http = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
    private readonly DownloadOptions limits = Validate(options ?? new DownloadOptions());

    /// <summary>Downloads every file of <paramref name="description"/> not yet in <paramref name="directory"/> (as .gz or raw).</summary>
    /// <returns>The files downloaded, in the description's order.</returns>
    /// <exception cref="DataSetDownloadException">A file could not be had from any mirror; files downloaded before it stay.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<DownloadedFile>> DownloadMissingAsync(
        DataSetDescription description,
        string directory,
        IProgress<DataSetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var downloaded = new List<DownloadedFile>();
        foreach (DataSetFile file in description.Files)
        {
            if (DataSetLocator.ResolveFile(directory, file) is null)
            {
                downloaded.Add(await DownloadAsync(description, file, directory, progress, cancellationToken).ConfigureAwait(false));
            }
        }

        return downloaded;
    }

    /// <summary>
    /// Downloads <paramref name="file"/> into <paramref name="directory"/> (created if missing)
    /// under its published name, replacing any file there once the download is verified.
    /// </summary>
    /// <exception cref="DataSetDownloadException">No mirror served it with the published checksum; the exception lists each mirror's failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DownloadedFile> DownloadAsync(
        DataSetDescription description,
        DataSetFile file,
        string directory,
        IProgress<DataSetProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullDirectory = Directory.CreateDirectory(Path.GetFullPath(directory)).FullName;
        string target = Path.Combine(fullDirectory, file.FileName);
        var failures = new List<MirrorFailure>();
        foreach (Uri mirror in description.Mirrors)
        {
            var url = new Uri(mirror, file.FileName);
            progress?.Report(new DataSetProgress(DataSetProgressKind.DownloadStarted, file.FileName, url, 0, null, null));
            Attempt attempt = await FetchAsync(url, file, progress, cancellationToken).ConfigureAwait(false);
            if (attempt.Failure is { } reason)
            {
                failures.Add(new MirrorFailure(url, reason));
                progress?.Report(new DataSetProgress(DataSetProgressKind.MirrorFailed, file.FileName, url, 0, null, reason));
                continue;
            }

            AtomicFile.WriteAllBytes(target, attempt.Contents.Span);
            progress?.Report(new DataSetProgress(DataSetProgressKind.Downloaded, file.FileName, url, attempt.Contents.Length, attempt.Contents.Length, target));
            return new DownloadedFile(file, target, url, attempt.Contents.Length);
        }

        throw new DataSetDownloadException(file.FileName, failures);
    }

    private async Task<Attempt> FetchAsync(Uri url, DataSetFile file, IProgress<DataSetProgress>? progress, CancellationToken cancellationToken)
    {
        // One deadline for headers and body: HttpClient.Timeout stops at the headers when streaming.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.Timeout);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using HttpResponseMessage response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Attempt.Failed($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd());
            }

            long? announced = response.Content.Headers.ContentLength;
            if (announced > limits.MaxFileBytes)
            {
                return Attempt.Failed($"the server announces {announced:N0} bytes, more than the {limits.MaxFileBytes:N0} a data set file may have");
            }

            if (file.Published is not { } published)
            {
                return Attempt.Failed("it has no published checksum to check a download against");
            }

            using IncrementalHash hash = published.CreateHash();
            var body = new MemoryStream(announced is { } size ? (int)size : 0);
            Stream stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                long nextReport = ProgressStepBytes;
                int read;
                while ((read = await stream.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > limits.MaxFileBytes)
                    {
                        return Attempt.Failed($"the body exceeds the {limits.MaxFileBytes:N0} bytes a data set file may have");
                    }

                    hash.AppendData(chunk, 0, read);
                    body.Write(chunk, 0, read);
                    if (body.Length >= nextReport)
                    {
                        progress?.Report(new DataSetProgress(DataSetProgressKind.Receiving, file.FileName, url, body.Length, announced, null));
                        nextReport = body.Length + ProgressStepBytes;
                    }
                }
            }

            if (announced is { } expected && body.Length != expected)
            {
                return Attempt.Failed($"truncated: {body.Length:N0} of {expected:N0} bytes arrived");
            }

            byte[] digest = hash.GetHashAndReset();
            if (!published.MatchesDigest(digest))
            {
                return Attempt.Failed($"checksum mismatch: {new Checksum(published.Algorithm, Convert.ToHexStringLower(digest))} over {body.Length:N0} bytes, published {published}");
            }

            return new Attempt(new ReadOnlyMemory<byte>(body.GetBuffer(), 0, (int)body.Length), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Failed($"timed out: no complete answer within {limits.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return Attempt.Failed(e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}");
        }
        catch (IOException e)
        {
            // A connection closed mid-body, e.g. "The response ended prematurely".
            return Attempt.Failed($"the transfer broke off: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static DownloadOptions Validate(DownloadOptions options)
    {
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "The download timeout must be positive.");
        }

        if (options.MaxFileBytes is <= 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFileBytes, "The size limit must be positive and below 2 GiB.");
        }

        return options;
    }

    private readonly record struct Attempt(ReadOnlyMemory<byte> Contents, string? Failure)
    {
        public static Attempt Failed(string reason) => new(default, reason);
    }
}
