using System.Globalization;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Serving;

/// <summary>How <c>lenet serve</c> listens, batches and limits requests.</summary>
internal sealed record ServeOptions
{
    /// <summary>Where the server listens when <c>--urls</c> is not given: the loopback address only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>The default request body limit: 1 MiB, room for a batch of 256 images as JSON.</summary>
    public const long DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>The most images one <c>{"images": [...]}</c> request may hold.</summary>
    public const int DefaultMaxImagesPerRequest = 256;

    /// <summary>
    /// The largest picture decoded, in pixels (width x height): 8 megapixels. A 1 MiB PNG of a
    /// blank page can claim far more, and decoding costs about 16 bytes per pixel.
    /// </summary>
    public const long DefaultMaxPicturePixels = 8_000_000;

    /// <summary>The addresses to listen on, each <c>http://HOST:PORT</c>; port 0 picks a free one.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrls];

    /// <summary>How single images are gathered into batches.</summary>
    public BatchingOptions Batching { get; init; } = new();

    /// <summary>The largest request body accepted, in bytes; larger ones get 413.</summary>
    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>The most images one batch request may hold; more get 400.</summary>
    public int MaxImagesPerRequest { get; init; } = DefaultMaxImagesPerRequest;

    /// <summary>The largest picture decoded, in pixels; larger ones get 400.</summary>
    public long MaxPicturePixels { get; init; } = DefaultMaxPicturePixels;

    /// <summary>How long requests in flight may take to finish once shutdown begins.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Splits and checks <c>--urls</c>: one or more <c>http://HOST:PORT</c> separated by <c>;</c>.
    /// </summary>
    /// <exception cref="UsageException">An address is not a plain http URL with a host and a port.</exception>
    public static IReadOnlyList<string> ParseUrls(string text)
    {
        string[] urls = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            throw new UsageException("--urls is empty; give an address such as http://127.0.0.1:5000.");
        }

        foreach (string url in urls)
        {
            // Kestrel's wildcards (http://*:5000, http://+:5000) are not URIs; they mean every interface.
            string checkable = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(checkable, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new UsageException($"--urls: '{url}' is not an http address; use http://HOST:PORT, e.g. http://127.0.0.1:5000 (https is not served: put a proxy in front).");
            }

            if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0 || !HasExplicitPort(checkable))
            {
                throw new UsageException($"--urls: '{url}' must be just http://HOST:PORT, with a port and no path, e.g. http://127.0.0.1:5000.");
            }
        }

        return urls;
    }

    /// <summary>The options in one line, for the start-up log.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"batches of up to {Batching.MaxBatchSize} images waiting at most {Batching.MaxDelay.TotalMilliseconds:0.###} ms, queue {Batching.QueueCapacity}, request bodies up to {MaxRequestBytes:N0} bytes, up to {MaxImagesPerRequest} images per request");

    private static bool HasExplicitPort(string url)
    {
        int authority = url.IndexOf("://", StringComparison.Ordinal) + 3;
        string hostPort = url[authority..].TrimEnd('/');
        int colon = hostPort.LastIndexOf(':');
        return colon > hostPort.LastIndexOf(']') && colon < hostPort.Length - 1;
    }
}
