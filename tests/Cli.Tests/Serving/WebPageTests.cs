using System.Net;
using System.Text.Json;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>The page's routes over HTTP: what is served, with which headers, and what is not.</summary>
[TestClass]
public sealed class WebPageTests
{
    private static ServeProcess? server;
    private static HttpClient? client;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        _ = context;
        server = await ServeProcess.StartAsync(RepositoryRoot.Combine("models", "lenet-classic.onnx"));
        client = new HttpClient { BaseAddress = server.Url };
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        client?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [TestMethod]
    [DataRow("/", "text/html", "<canvas id=\"pad\"")]
    [DataRow("/assets/app.mjs", "text/javascript", "ort.wasm.min.mjs")]
    [DataRow("/assets/app.css", "text/css", "#pad")]
    public async Task PageFiles_AreServedWithTheContentSecurityPolicy(string path, string type, string contains)
    {
        using HttpResponseMessage response = await client!.GetAsync(path);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual(type, response.Content.Headers.ContentType!.MediaType);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        StringAssert.Contains(csp, "default-src 'self'");
        StringAssert.Contains(csp, "script-src 'self' 'wasm-unsafe-eval'");
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.AreEqual("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        StringAssert.Contains(await response.Content.ReadAsStringAsync(), contains);
    }

    [TestMethod]
    public async Task TheHtml_LoadsNothingFromAnotherOrigin()
    {
        string html = await client!.GetStringAsync("/");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script>", html, "no inline script: the policy forbids it");
        Assert.DoesNotContain("style=", html, "no inline style: the policy forbids it");
    }

    [TestMethod]
    public async Task Model_IsTheServedFile()
    {
        byte[] served = await client!.GetByteArrayAsync("/v1/model");
        CollectionAssert.AreEqual(File.ReadAllBytes(RepositoryRoot.Combine("models", "lenet-classic.onnx")), served);
    }

    [TestMethod]
    public async Task Info_DescribesTheModel()
    {
        using JsonDocument info = JsonDocument.Parse(await client!.GetStringAsync("/v1/info"));
        Assert.AreEqual("lenet-classic.onnx", info.RootElement.GetProperty("model").GetString());
        Assert.AreEqual("classic", info.RootElement.GetProperty("variant").GetString());
        Assert.AreEqual(10, info.RootElement.GetProperty("labels").GetArrayLength());
        Assert.AreEqual("0.8210", info.RootElement.GetProperty("test_accuracy").GetString());
    }

    [TestMethod]
    public async Task Samples_AreTheFirstTestImages()
    {
        RealFashionMnist.Require();
        using JsonDocument samples = JsonDocument.Parse(await client!.GetStringAsync("/v1/samples"));
        JsonElement images = samples.RootElement.GetProperty("images");
        Assert.AreEqual(12, images.GetArrayLength());
        Assert.AreEqual("Ankle boot", images[0].GetProperty("label").GetString());
        byte[] first = [.. images[0].GetProperty("pixels").EnumerateArray().Select(p => (byte)p.GetInt32())];
        CollectionAssert.AreEqual(RealFashionMnist.Test().Image(0).ToArray(), first);
    }

    [TestMethod]
    public async Task Explain_ReturnsThePixelsAndLogitsTheModelSaw()
    {
        RealFashionMnist.Require();
        byte[] image = RealFashionMnist.Test().Image(0).ToArray();
        using var body = new ByteArrayContent(image);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage response = await client!.PostAsync("/v1/classify?explain=true", body);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        float[] pixels = [.. answer.RootElement.GetProperty("pixels").EnumerateArray().Select(p => p.GetSingle())];
        CollectionAssert.AreEqual(image.Select(b => b / 255f).ToArray(), pixels);
        Assert.AreEqual(10, answer.RootElement.GetProperty("logits").GetArrayLength());
        Assert.AreEqual("Ankle boot", answer.RootElement.GetProperty("label").GetString());
    }

    [TestMethod]
    [DataRow("/index.html")]
    [DataRow("/assets/../index.html")]
    [DataRow("/assets/%2e%2e%2fLeNetOnnx.Cli.Tests.dll")]
    [DataRow("/assets/lenet.dll")]
    [DataRow("/ort/../../lenet.dll")]
    [DataRow("/web/index.html")]
    public async Task NoRoute_ServesAFileOutsideThePagesAssets(string path)
    {
        using HttpResponseMessage response = await client!.GetAsync(path);
        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [TestMethod]
    public async Task NoPage_LeavesTheApiAlone()
    {
        await using ServeProcess apiOnly = await ServeProcess.StartAsync(RepositoryRoot.Combine("models", "lenet-classic.onnx"), "--no-page");
        using var http = new HttpClient { BaseAddress = apiOnly.Url };
        foreach (string path in new[] { "/", "/assets/app.mjs", "/v1/model", "/v1/info", "/v1/samples" })
        {
            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode, path);
        }

        using HttpResponseMessage health = await http.GetAsync("/healthz");
        Assert.AreEqual(HttpStatusCode.OK, health.StatusCode);
    }
}
