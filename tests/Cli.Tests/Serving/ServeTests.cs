using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeNetOnnx.Cli.Serving;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SkiaSharp;

using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>
/// <c>lenet serve</c> over real HTTP on 127.0.0.1: answers against <see cref="LeNetClassifier"/>
/// called directly, pictures, batches, health, metrics, every refusal (400, 404, 405, 413, 415,
/// 503, 500) as JSON with the server still serving after it, and a clean stop on SIGTERM.
/// </summary>
[TestClass]
public sealed partial class ServeTests
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;
    private const string Json = "application/json";

    private static RunningServer? shared;

    private static RunningServer Shared => shared ?? throw new InvalidOperationException("The shared server did not start.");

    [ClassInitialize]
    public static async Task StartSharedServer(TestContext context)
    {
        _ = context;
        if (File.Exists(RunningServer.ModelPath))
        {
            shared = await RunningServer.StartAsync();
        }
    }

    [ClassCleanup]
    public static async Task StopSharedServer()
    {
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task Classify_JsonPixelsOfTestImages_MatchLeNetClassifier()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        for (int i = 0; i < 20; i++)
        {
            using HttpResponseMessage response = await Shared.Client.PostAsync("/v1/classify?top=3", JsonBody(PixelsJson(test.Image(i))));

            JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
            AssertMatches(classifier.Classify(test.Image(i)), answer, classifier.Labels, top: 3);
        }
    }

    [TestMethod]
    public async Task Classify_RawPixelBytes_MatchLeNetClassifierForOneImageAndABatch()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        for (int i = 300; i < 310; i++)
        {
            using HttpResponseMessage response = await Shared.Client.PostAsync("/v1/classify?top=2", Body(test.Image(i).ToArray(), "application/octet-stream"));

            JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
            AssertMatches(classifier.Classify(test.Image(i)), answer, classifier.Labels, top: 2);
        }

        int[] images = [.. Enumerable.Range(400, 5)];
        byte[] batch = [.. images.SelectMany(i => test.Image(i).ToArray())];
        using HttpResponseMessage batchResponse = await Shared.Client.PostAsync("/v1/classify", Body(batch, "application/octet-stream"));

        JsonElement predictions = (await AssertJson(batchResponse, HttpStatusCode.OK)).GetProperty("predictions");
        Assert.AreEqual(images.Length, predictions.GetArrayLength());
        for (int n = 0; n < images.Length; n++)
        {
            AssertMatches(classifier.Classify(test.Image(images[n])), predictions[n], classifier.Labels, top: PredictionJson.DefaultTop);
        }
    }

    [TestMethod]
    public async Task Classify_ConcurrentSingleImages_AreBatchedAndEachGetsItsOwnAnswer()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        await using RunningServer server = await RunningServer.StartAsync(new ServeOptions { Batching = new BatchingOptions { MaxBatchSize = 16, MaxDelay = TimeSpan.FromMilliseconds(20) } });
        int[] images = [.. Enumerable.Range(100, 48)];

        JsonElement[] answers = await Task.WhenAll(images.Select(async i =>
        {
            using HttpResponseMessage response = await server.Client.PostAsync("/v1/classify", JsonBody(PixelsJson(test.Image(i))));
            return await AssertJson(response, HttpStatusCode.OK);
        }));

        for (int n = 0; n < images.Length; n++)
        {
            AssertMatches(classifier.Classify(test.Image(images[n])), answers[n], classifier.Labels, top: PredictionJson.DefaultTop);
        }

        string metrics = await server.Client.GetStringAsync("/metrics");
        Assert.AreEqual(48, Sample(metrics, "lenet_serve_images_classified_total{path=\"batched\"}"));
        double batches = Sample(metrics, "lenet_batching_batch_size_count");
        Assert.IsTrue(batches < 48, $"48 concurrent images ran in {batches} batches: none were gathered.\n{metrics}");
    }

    [TestMethod]
    public async Task Classify_PngOfATestImage_GetsTheLabelOfItsRawPixels()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        for (int i = 0; i < 6; i++)
        {
            byte[] png = Picture(test.Image(i), scale: 1, p => new SKColor(p, p, p), SKEncodedImageFormat.Png);

            using HttpResponseMessage response = await Shared.Client.PostAsync("/v1/classify", Body(png, "image/png"));

            JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
            Prediction expected = classifier.Classify(test.Image(i));
            Assert.AreEqual(expected.LabelName, answer.GetProperty("label").GetString());
            Assert.AreEqual(expected.Probability, answer.GetProperty("probability").GetSingle(), 1e-3);
            Assert.IsFalse(answer.GetProperty("inverted").GetBoolean());
            StringAssert.StartsWith(answer.GetProperty("conversion").GetString(), "dark background");
        }
    }

    [TestMethod]
    public async Task Classify_DarkOnLightJpegAtTripleSize_IsInvertedLikePredict()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        byte[] jpeg = Picture(test.Image(0), scale: 3, p => new SKColor((byte)(255 - p), (byte)(255 - p), (byte)(255 - p)), SKEncodedImageFormat.Jpeg);

        using HttpResponseMessage response = await Shared.Client.PostAsync("/v1/classify", Body(jpeg, "image/jpeg"));

        JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
        Assert.AreEqual(classifier.Classify(test.Image(0)).LabelName, answer.GetProperty("label").GetString());
        Assert.IsTrue(answer.GetProperty("inverted").GetBoolean());
        StringAssert.StartsWith(answer.GetProperty("conversion").GetString(), "light background");
    }

    [TestMethod]
    public async Task Classify_BatchOfTestImages_AnswersEachInOrder()
    {
        RequireModel();
        ImageDataSet test = RealFashionMnist.Test();
        using LeNetClassifier classifier = LeNetClassifier.Load(RunningServer.ModelPath);
        int[] images = [.. Enumerable.Range(200, 40)];
        string body = "{\"images\":[" + string.Join(',', images.Select(i => PixelArray(test.Image(i)))) + "]}";

        using HttpResponseMessage response = await Shared.Client.PostAsync("/v1/classify?top=10", JsonBody(body));

        JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
        JsonElement predictions = answer.GetProperty("predictions");
        Assert.AreEqual(images.Length, predictions.GetArrayLength());
        for (int n = 0; n < images.Length; n++)
        {
            AssertMatches(classifier.Classify(test.Image(images[n])), predictions[n], classifier.Labels, top: 10);
        }
    }

    [TestMethod]
    public async Task Healthz_Get_SaysOkWithTheModelAndVariant()
    {
        RequireModel();

        using HttpResponseMessage response = await Shared.Client.GetAsync("/healthz");

        JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
        Assert.AreEqual("ok", answer.GetProperty("status").GetString());
        Assert.AreEqual("lenet-classic.onnx", answer.GetProperty("model").GetString());
        Assert.AreEqual("classic", answer.GetProperty("variant").GetString());
    }

    [TestMethod]
    public async Task Metrics_AfterRequests_CountsThemByRouteAndStatusInPrometheusFormat()
    {
        RequireModel();
        await using RunningServer server = await RunningServer.StartAsync();
        byte[] blank = new byte[LeNetClassifier.PixelsPerImage];
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await server.Client.PostAsync("/v1/classify", JsonBody(PixelsJson(blank)));
            Assert.AreEqual(HttpStatusCode.OK, ok.StatusCode);
        }

        using HttpResponseMessage bad = await server.Client.PostAsync("/v1/classify", JsonBody("{\"pixels\":[1,2,3]}"));
        using HttpResponseMessage missing = await server.Client.GetAsync("/nowhere");

        using HttpResponseMessage response = await server.Client.GetAsync("/metrics");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        string metrics = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(3, Sample(metrics, "lenet_http_requests_total{route=\"/v1/classify\",method=\"POST\",status=\"200\"}"), metrics);
        Assert.AreEqual(1, Sample(metrics, "lenet_http_requests_total{route=\"/v1/classify\",method=\"POST\",status=\"400\"}"), metrics);
        Assert.AreEqual(1, Sample(metrics, "lenet_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"), metrics);
        Assert.AreEqual(4, Sample(metrics, "lenet_http_request_duration_seconds_bucket{route=\"/v1/classify\",le=\"+Inf\"}"), metrics);
        Assert.AreEqual(4, Sample(metrics, "lenet_http_request_duration_seconds_count{route=\"/v1/classify\"}"), metrics);
        Assert.IsGreaterThan(0, Sample(metrics, "process_resident_memory_bytes"), metrics);
        Assert.IsGreaterThanOrEqualTo(3, Sample(metrics, "lenet_batching_batch_size_count"), metrics);
        Assert.IsGreaterThanOrEqualTo(3, Sample(metrics, "lenet_classified_images_total"), metrics);
        Assert.AreEqual(1, Sample(metrics, "lenet_serve_model_info{model=\"lenet-classic.onnx\",variant=\"classic\"}"), metrics);
        AssertPrometheusText(metrics);
    }

    [TestMethod]
    public async Task Server_UnknownRouteAndWrongMethod_Return404And405Json()
    {
        RequireModel();

        using (HttpResponseMessage response = await Shared.Client.GetAsync("/v2/classify"))
        {
            JsonElement answer = await AssertJson(response, HttpStatusCode.NotFound);
            StringAssert.Contains(answer.GetProperty("error").GetString(), "No route GET /v2/classify");
        }

        using (HttpResponseMessage response = await Shared.Client.GetAsync("/v1/classify"))
        {
            JsonElement answer = await AssertJson(response, HttpStatusCode.MethodNotAllowed);
            StringAssert.Contains(answer.GetProperty("error").GetString(), "GET is not allowed on /v1/classify; use POST");
        }

        await AssertStillServes(Shared.Client);
    }

    [TestMethod]
    public async Task Classify_QueueFull_Returns503WithRetryAfterAndTheQueuedRequestIsAnswered()
    {
        RequireModel();

        // One request may be pending, and the worker waits a whole second for a second one.
        await using RunningServer server = await RunningServer.StartAsync(new ServeOptions { Batching = new BatchingOptions { QueueCapacity = 1, MaxDelay = TimeSpan.FromSeconds(1) } });
        string body = PixelsJson(new byte[LeNetClassifier.PixelsPerImage]);
        Task<HttpResponseMessage> first = server.Client.PostAsync("/v1/classify", JsonBody(body));
        await WaitUntil(() => server.Server.PendingCount == 1, "the first request to be queued");

        using (HttpResponseMessage refused = await server.Client.PostAsync("/v1/classify", JsonBody(body)))
        {
            JsonElement answer = await AssertJson(refused, HttpStatusCode.ServiceUnavailable);
            Assert.AreEqual("1", refused.Headers.GetValues("Retry-After").Single());
            StringAssert.Contains(answer.GetProperty("error").GetString(), "queue of 1 images is full");
        }

        using (HttpResponseMessage queued = await first)
        {
            await AssertJson(queued, HttpStatusCode.OK);
        }

        string metrics = await server.Client.GetStringAsync("/metrics");
        Assert.AreEqual(1, Sample(metrics, "lenet_http_requests_total{route=\"/v1/classify\",method=\"POST\",status=\"503\"}"), metrics);
        Assert.IsGreaterThanOrEqualTo(1, Sample(metrics, "lenet_batching_rejected_total"), metrics);
        await AssertStillServes(server.Client);
    }

    [TestMethod]
    public async Task Server_HandlerThrows_Returns500JsonWithoutDetailsLogsItAndKeepsServing()
    {
        RequireModel();
        await using RunningServer server = await RunningServer.StartAsync(moreRoutes: routes =>
            routes.MapGet("/boom", (RequestDelegate)(_ => throw new InvalidOperationException("secret internal detail"))));

        using (HttpResponseMessage response = await server.Client.GetAsync("/boom"))
        {
            JsonElement answer = await AssertJson(response, HttpStatusCode.InternalServerError);
            string raw = answer.GetRawText();
            Assert.DoesNotContain("secret", raw);
            Assert.DoesNotContain("InvalidOperationException", raw);
            Assert.DoesNotContain(" at ", raw);
            Assert.AreEqual(1, answer.EnumerateObject().Count(), raw);
        }

        await AssertStillServes(server.Client);
        Assert.IsTrue(server.Log.Lines.Any(l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains("secret internal detail", StringComparison.Ordinal)), string.Join('\n', server.Log.Lines));
    }

    [TestMethod]
    public async Task Server_Start_LogsOneLineWithTheAddressAndTheModel()
    {
        RequireModel();
        await using RunningServer server = await RunningServer.StartAsync();

        string[] information = [.. server.Log.Lines.Where(l => l.StartsWith("Information ", StringComparison.Ordinal))];

        Assert.HasCount(1, information, string.Join('\n', server.Log.Lines));
        StringAssert.Contains(information[0], $"listening on {server.Server.Urls.Single()}: model lenet-classic.onnx (LeNet-5 'classic')");
    }

    [TestMethod]
    public async Task Serve_Sigterm_AnswersTheQueuedRequestAndExitsZero()
    {
        RequireModel();
        string lenet = typeof(LenetApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["exec", lenet, "serve", "--model", RunningServer.ModelPath, "--urls", "http://127.0.0.1:0", "--max-delay-ms", "1000"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("lenet serve ended before listening: " + output + error));
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups["url"].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

            // The worker holds this request for a second, waiting for others to batch it with.
            Task<HttpResponseMessage> queued = client.PostAsync("/v1/classify", JsonBody(PixelsJson(new byte[LeNetClassifier.PixelsPerImage])));
            await WaitUntilAsync(async () => Sample(await client.GetStringAsync("/metrics"), "lenet_batching_pending") == 1, "the request to be queued");
            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using (HttpResponseMessage answer = await queued)
            {
                await AssertJson(answer, HttpStatusCode.OK);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            process.WaitForExit();
            string log = output.ToString();
            Assert.AreEqual(0, process.ExitCode, log + error);
            Assert.HasCount(1, ListeningLine().Matches(log), log);
            StringAssert.Contains(log, "lenet serve stopped");
            Assert.AreEqual("", error.ToString().Trim(), "stderr");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*""(,[a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"")*\})? (NaN|[+-]Inf|-?[0-9.eE+-]+)$")]
    private static partial Regex SampleLine();

    private static void AssertMatches(Prediction expected, JsonElement answer, IReadOnlyList<string> labels, int top)
    {
        Assert.AreEqual(expected.LabelName, answer.GetProperty("label").GetString());
        Assert.AreEqual(expected.Label, answer.GetProperty("index").GetInt32());
        Assert.AreEqual(expected.Probability, answer.GetProperty("probability").GetSingle(), 1e-5);
        int[] ranked = new int[top];
        LeNetClassifier.TopK(expected.Probabilities.ToArray(), ranked);
        JsonElement list = answer.GetProperty("top");
        Assert.AreEqual(top, list.GetArrayLength());
        for (int r = 0; r < top; r++)
        {
            Assert.AreEqual(labels[ranked[r]], list[r].GetProperty("label").GetString());
            Assert.AreEqual(ranked[r], list[r].GetProperty("index").GetInt32());
            Assert.AreEqual(expected.Probabilities[ranked[r]], list[r].GetProperty("probability").GetSingle(), 1e-5);
        }
    }

    private static async Task<JsonElement> AssertJson(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType?.MediaType, text);
        using var document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement.Clone();
        if ((int)status >= 400)
        {
            Assert.AreEqual(JsonValueKind.String, root.GetProperty("error").ValueKind, text);
        }

        return root;
    }

    private static async Task AssertStillServes(HttpClient client)
    {
        using HttpResponseMessage response = await client.PostAsync("/v1/classify", JsonBody(PixelsJson(new byte[LeNetClassifier.PixelsPerImage])));
        JsonElement answer = await AssertJson(response, HttpStatusCode.OK);
        Assert.AreEqual(JsonValueKind.String, answer.GetProperty("label").ValueKind);
    }

    /// <summary>Every line is a comment or a sample, each family announced once before its samples, no series twice.</summary>
    private static void AssertPrometheusText(string metrics)
    {
        var families = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        Assert.EndsWith("\n", metrics);
        foreach (string line in metrics.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                Assert.IsTrue(families.Add(line.Split(' ')[2]), "family announced twice: " + line);
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.IsTrue(SampleLine().IsMatch(line), "not a sample line: " + line);
            string name = line[..line.LastIndexOf(' ')];
            Assert.IsTrue(series.Add(name), "series twice: " + line);
            string metric = Regex.Replace(line.Split('{', ' ')[0], "_(bucket|sum|count)$", "");
            Assert.IsTrue(families.Contains(metric) || families.Contains(line.Split('{', ' ')[0]), "sample before its # TYPE: " + line);
        }
    }

    /// <summary>The value of one sample, by its exact name and labels.</summary>
    private static double Sample(string metrics, string series)
    {
        string? line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.IsNotNull(line, $"no sample {series} in:\n{metrics}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntil(Func<bool> condition, string what) => await WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }

    private static string PixelArray(ReadOnlySpan<byte> image)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < image.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(image[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    private static string PixelsJson(ReadOnlySpan<byte> image) => "{\"pixels\":" + PixelArray(image) + "}";

    private static ByteArrayContent JsonBody(string json) => Body(Encoding.UTF8.GetBytes(json), Json);

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>A 28x28 grey image as a picture, each pixel a <paramref name="scale"/>-sided square of <paramref name="colour"/>(pixel).</summary>
    private static byte[] Picture(ReadOnlySpan<byte> image, int scale, Func<byte, SKColor> colour, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(28 * scale, 28 * scale, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 28 * scale; y++)
        {
            for (int x = 0; x < 28 * scale; x++)
            {
                bitmap.SetPixel(x, y, colour(image[((y / scale) * 28) + (x / scale)]));
            }
        }

        using SKData data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    private static void RequireModel()
    {
        if (!File.Exists(RunningServer.ModelPath))
        {
            Prerequisite.Missing($"The trained model {RunningServer.ModelPath} is missing (./lenet train --recipe d2l writes it).");
        }
    }
}
