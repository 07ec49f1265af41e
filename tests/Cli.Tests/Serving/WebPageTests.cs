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
    [DataRow("/assets/train-tab.mjs", "text/javascript", "train-worker.mjs")]
    [DataRow("/assets/train-worker.mjs", "text/javascript", "lenet_train.mjs")]
    [DataRow("/assets/lenet_train.mjs", "text/javascript", "export class Trainer")]
    [DataRow("/assets/lenet_data.mjs", "text/javascript", "export function epochOrder")]
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
        Assert.AreEqual("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single(), "cross-origin isolated: WebAssembly threads for the Train tab");
        Assert.AreEqual("require-corp", response.Headers.GetValues("Cross-Origin-Embedder-Policy").Single());
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
    [DataRow("/v1/train/d2l/../../lenet.dll")]
    [DataRow("/v1/train/d2l/model.onnx")]
    [DataRow("/v1/train/nonesuch/recipe.json")]
    [DataRow("/v1/train/data/labels.txt")]
    [DataRow("/v1/train/data/..%2f..%2fetc%2fpasswd")]
    public async Task NoRoute_ServesAFileOutsideThePagesAssets(string path)
    {
        using HttpResponseMessage response = await client!.GetAsync(path);
        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [TestMethod]
    public async Task Train_ListsTheRecipesOfFashionMnist()
    {
        using JsonDocument listing = JsonDocument.Parse(await client!.GetStringAsync("/v1/train"));
        string[] names = [.. listing.RootElement.GetProperty("recipes").EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];
        CollectionAssert.AreEquivalent(LeNetOnnx.Trainer.Loop.Recipes.Names.ToArray(), names);
        Assert.AreEqual("fashion-mnist", listing.RootElement.GetProperty("data_set").GetString());
    }

    [TestMethod]
    public async Task Train_ArtifactsAreWhatLenetArtifactsWrites()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"lenet-artifacts-{Guid.NewGuid():N}");
        try
        {
            Assert.AreEqual(0, CliRun.Of("artifacts", "--recipe", "keras", "-o", directory).ExitCode);
            foreach (string file in new[] { "training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "checkpoint.lnck", "recipe.json" })
            {
                using HttpResponseMessage response = await client!.GetAsync($"/v1/train/keras/{file}");
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, file);
                StringAssert.Contains(string.Join(";", response.Headers.GetValues("Content-Security-Policy")), "default-src 'self'");
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(directory, file)), await response.Content.ReadAsByteArrayAsync(), file);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public async Task Train_DataFilesAreTheDataSetsFiles()
    {
        RealFashionMnist.Require();
        byte[] served = await client!.GetByteArrayAsync("/v1/train/data/t10k-labels-idx1-ubyte.gz");
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory, "t10k-labels-idx1-ubyte.gz")), served);
    }

    [TestMethod]
    public async Task NoPage_LeavesTheApiAlone()
    {
        await using ServeProcess apiOnly = await ServeProcess.StartAsync(RepositoryRoot.Combine("models", "lenet-classic.onnx"), "--no-page");
        using var http = new HttpClient { BaseAddress = apiOnly.Url };
        foreach (string path in new[] { "/", "/assets/app.mjs", "/v1/model", "/v1/info", "/v1/samples", "/v1/train", "/v1/train/d2l/recipe.json" })
        {
            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode, path);
        }

        using HttpResponseMessage health = await http.GetAsync("/healthz");
        Assert.AreEqual(HttpStatusCode.OK, health.StatusCode);
    }
}
