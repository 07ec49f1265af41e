using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using LeNetOnnx.Tests;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace LeNetOnnx.Parity.Tests.Browser;

/// <summary>
/// Runs models with ONNX Runtime Web in headless Chromium: a loopback HTTP server of its own
/// serves <c>run_models.mjs</c>, ORT Web's files (npm <c>onnxruntime-web</c> in tools/node), the
/// models and the images, and receives each model's logits. Where Chromium, its driver or the
/// package is missing the calling test is inconclusive locally, but fails under CI.
/// </summary>
internal static class BrowserRuntime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    private static readonly string[] OrtFiles = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

    /// <summary>The onnxruntime-web version in tools/node, for the report.</summary>
    public static string Version => PackageVersion("onnxruntime-web");

    /// <summary>Every model's logits on <paramref name="images"/> (float32, pixel/255), in order.</summary>
    public static float[][] Run(IReadOnlyList<string> models, float[] images, int chunk)
    {
        string dist = RepositoryRoot.Combine("tools", "node", "node_modules", "onnxruntime-web", "dist");
        string? missing = !File.Exists(Chromium) || !File.Exists(ChromeDriver) ? $"Chromium is not installed ({Chromium}, {ChromeDriver})"
            : OrtFiles.Any(f => !File.Exists(Path.Combine(dist, f))) ? "tools/node/node_modules/onnxruntime-web is not installed"
            : null;
        if (missing is not null)
        {
            Prerequisite.Missing($"{missing}. Run tools/install-prerequisites.sh.");
        }

        int count = images.Length / (28 * 28);
        byte[] imageBytes = MemoryMarshal.AsBytes(images.AsSpan()).ToArray();
        var results = new ConcurrentDictionary<int, float[]>();
        string? error = null;
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var stop = new CancellationTokenSource();
        Task serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                string path = context.Request.Url!.AbsolutePath;
                using HttpListenerResponse response = context.Response;
                (byte[]? body, string type) = path switch
                {
                    "/" => (Encoding.UTF8.GetBytes("<!doctype html><title>running</title><script type=\"module\" src=\"/run_models.mjs\"></script>"), "text/html"),
                    "/run_models.mjs" => (File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Browser", "run_models.mjs")), "text/javascript"),
                    "/manifest.json" => (JsonSerializer.SerializeToUtf8Bytes(new { models = models.Count, count, chunk }), "application/json"),
                    "/images.bin" => (imageBytes, "application/octet-stream"),
                    _ when path.StartsWith("/ort/", StringComparison.Ordinal) && OrtFiles.Contains(path[5..]) =>
                        (File.ReadAllBytes(Path.Combine(dist, path[5..])), path.EndsWith(".wasm", StringComparison.Ordinal) ? "application/wasm" : "text/javascript"),
                    _ when path.StartsWith("/model/", StringComparison.Ordinal) && int.TryParse(path[7..], out int m) && m >= 0 && m < models.Count =>
                        (File.ReadAllBytes(models[m]), "application/octet-stream"),
                    _ => (null, ""),
                };
                if (context.Request.HttpMethod == "POST")
                {
                    using var received = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(received).ConfigureAwait(false);
                    if (path.StartsWith("/result/", StringComparison.Ordinal) && int.TryParse(path[8..], out int m))
                    {
                        results[m] = MemoryMarshal.Cast<byte, float>(received.ToArray()).ToArray();
                    }
                    else
                    {
                        error = Encoding.UTF8.GetString(received.ToArray());
                    }

                    response.StatusCode = 204;
                    continue;
                }

                if (body is null)
                {
                    response.StatusCode = 404;
                    continue;
                }

                response.ContentType = type;
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            }
        });

        try
        {
            var options = new ChromeOptions { BinaryLocation = Chromium };
            options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
            ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
            service.SuppressInitialDiagnosticInformation = true;
            using var browser = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
            browser.Navigate().GoToUrl($"http://127.0.0.1:{port}/");
            string title = new WebDriverWait(browser, TimeSpan.FromMinutes(8)).Until(d => d.Title.StartsWith("done", StringComparison.Ordinal) || d.Title == "error" ? d.Title : null)!;
            Assert.IsNull(error, $"ONNX Runtime Web failed in Chromium: {error}");
            StringAssert.StartsWith(title, "done");
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
            serving.Wait(TimeSpan.FromSeconds(10));
        }

        return [.. Enumerable.Range(0, models.Count).Select(m => results.TryGetValue(m, out float[]? logits) ? logits : throw new AssertFailedException($"Chromium posted no logits for model {m}."))];
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static string PackageVersion(string package)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("tools", "node", "node_modules", package, "package.json")));
            return json.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }
}
