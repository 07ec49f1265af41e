using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeNetOnnx.Trainer.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for download tests without the
/// internet. Each path answers as told: a body, a status, a body cut short, or nothing at all.
/// Every connection is closed after one response.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, LocalResponse> routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> requests = new();
    private readonly ConcurrentBag<Task> connections = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;

    public LocalHttpServer()
    {
        listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        acceptLoop = AcceptAsync();
    }

    public Uri BaseUri { get; }

    /// <summary>The paths requested so far, in order.</summary>
    public IReadOnlyList<string> Requests => requests.ToArray();

    /// <summary>A mirror base URL: <c>http://127.0.0.1:port/name/</c>.</summary>
    public Uri Mirror(string name) => new(BaseUri, name + "/");

    public void Serve(string path, LocalResponse response) => routes[path.StartsWith('/') ? path : "/" + path] = response;

    /// <summary>Serves every file under <c>/mirror/name</c>.</summary>
    public void ServeAll(string mirror, IReadOnlyDictionary<string, byte[]> files)
    {
        foreach ((string name, byte[] bytes) in files)
        {
            Serve($"{mirror}/{name}", new LocalResponse.Body(bytes));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way.
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client = await listener.AcceptTcpClientAsync(stopping.Token);
            connections.Add(HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string? path = await ReadRequestPathAsync(stream);
                if (path is null)
                {
                    return;
                }

                requests.Enqueue(path);
                LocalResponse response = routes.GetValueOrDefault(path) ?? new LocalResponse.Status(404);
                await WriteAsync(stream, response);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up (a timeout test) or the server is stopping.
            }
        }
    }

    private async Task<string?> ReadRequestPathAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timeout.CancelAfter(RequestReadTimeout);
        byte[] buffer = new byte[16 * 1024];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            string text = Encoding.ASCII.GetString(buffer, 0, filled);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                string[] requestLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                return requestLine.Length == 3 ? requestLine[1] : null;
            }
        }

        return null;
    }

    private async Task WriteAsync(NetworkStream stream, LocalResponse response)
    {
        switch (response)
        {
            case LocalResponse.Body body:
                await WriteHeadAsync(stream, 200, "OK", body.Bytes.Length);
                await stream.WriteAsync(body.Bytes, stopping.Token);
                break;
            case LocalResponse.Truncated truncated:
                await WriteHeadAsync(stream, 200, "OK", truncated.Bytes.Length);
                await stream.WriteAsync(truncated.Bytes.AsMemory(0, truncated.SentBytes), stopping.Token);
                break;
            case LocalResponse.Status status:
                byte[] text = Encoding.ASCII.GetBytes($"status {status.Code}\n");
                await WriteHeadAsync(stream, status.Code, status.Code == 404 ? "Not Found" : "Error", text.Length);
                await stream.WriteAsync(text, stopping.Token);
                break;
            case LocalResponse.Silent:
                // Never answer: the client's timeout must end this.
                await Task.Delay(Timeout.Infinite, stopping.Token);
                break;
        }

        await stream.FlushAsync(stopping.Token);
    }

    private async Task WriteHeadAsync(NetworkStream stream, int code, string reason, long length)
    {
        string head = $"HTTP/1.1 {code} {reason}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stopping.Token);
    }
}

/// <summary>How a path answers.</summary>
internal abstract record LocalResponse
{
    /// <summary>200 with these bytes.</summary>
    public sealed record Body(byte[] Bytes) : LocalResponse;

    /// <summary>200 announcing all of <see cref="Bytes"/> but sending only the first <see cref="SentBytes"/>, then closing.</summary>
    public sealed record Truncated(byte[] Bytes, int SentBytes) : LocalResponse;

    /// <summary>This status code with a short text body.</summary>
    public sealed record Status(int Code) : LocalResponse;

    /// <summary>Accepts the request and never answers.</summary>
    public sealed record Silent : LocalResponse;
}
