using System.Collections.Frozen;
using System.Text.Json;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// The page <c>lenet serve</c> shows at <c>GET /</c> and what it reads: its assets (a fixed list
/// of files from the <c>web</c> folder beside the program, never a path from the request), the
/// model file for ONNX Runtime Web (<c>GET /v1/model</c>), the model's description
/// (<c>GET /v1/info</c>), a gallery of test images (<c>GET /v1/samples</c>) and what the Train tab
/// downloads (<see cref="TrainingFiles"/>). Every page
/// response carries a Content Security Policy that allows only this server's own origin.
/// </summary>
internal sealed class WebPage
{
    /// <summary>Only this origin, and WebAssembly compilation for ONNX Runtime Web.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The gallery's size: the first test images of the data set.</summary>
    public const int SampleCount = 12;

    // URL path → (file under the web folder, content type). Nothing else is served from disk.
    private static readonly FrozenDictionary<string, (string File, string Type)> Assets = new Dictionary<string, (string, string)>
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/assets/app.mjs"] = ("app.mjs", "text/javascript; charset=utf-8"),
        ["/assets/app.css"] = ("app.css", "text/css; charset=utf-8"),
        ["/assets/train-tab.mjs"] = ("train-tab.mjs", "text/javascript; charset=utf-8"),
        ["/assets/train-worker.mjs"] = ("train-worker.mjs", "text/javascript; charset=utf-8"),
        ["/assets/lenet_train.mjs"] = ("lenet_train.mjs", "text/javascript; charset=utf-8"),
        ["/assets/lenet_data.mjs"] = ("lenet_data.mjs", "text/javascript; charset=utf-8"),
        ["/ort/ort.wasm.min.mjs"] = ("ort/ort.wasm.min.mjs", "text/javascript; charset=utf-8"),
        ["/ort/ort-wasm-simd-threaded.mjs"] = ("ort/ort-wasm-simd-threaded.mjs", "text/javascript; charset=utf-8"),
        ["/ort/ort-wasm-simd-threaded.wasm"] = ("ort/ort-wasm-simd-threaded.wasm", "application/wasm"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly string folder;
    private readonly byte[] model;
    private readonly string modelName;
    private readonly LeNetClassifier classifier;
    private readonly byte[] samples;
    private readonly TrainingFiles training;

    /// <param name="folder">Where the page's files are (<c>web</c> beside the program).</param>
    /// <param name="model">The served model file's bytes, for the browser.</param>
    /// <param name="modelName">Its file name.</param>
    /// <param name="classifier">The served model.</param>
    /// <param name="search">Where to look for the test images of the gallery (never downloaded).</param>
    public WebPage(string folder, byte[] model, string modelName, LeNetClassifier classifier, DataDirectorySearch search)
    {
        this.folder = folder;
        this.model = model;
        this.modelName = modelName;
        this.classifier = classifier;
        samples = SamplesJson(classifier, search);
        training = new TrainingFiles(search);
    }

    /// <summary>The <c>web</c> folder beside the program.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "web");

    /// <summary>Whether ONNX Runtime Web's files were copied beside the page (the in-browser mode).</summary>
    public bool BrowserRuntimeAvailable => Assets.Where(a => a.Key.StartsWith("/ort/", StringComparison.Ordinal)).All(a => File.Exists(Path.Combine(folder, a.Value.File)));

    /// <summary>The page's routes, for the 404 message.</summary>
    public const string Routes = "GET / (the page), GET /v1/model, GET /v1/info, GET /v1/samples, " + TrainingFiles.Routes;

    public void Map(IEndpointRouteBuilder routes)
    {
        foreach ((string path, (string file, string type)) in Assets)
        {
            routes.MapGet(path, context => ServeFileAsync(context, file, type));
        }

        routes.MapGet("/v1/model", ModelAsync);
        routes.MapGet("/v1/info", InfoAsync);
        routes.MapGet("/v1/samples", context => WriteBytesAsync(context, samples, JsonResponse.ContentType));
        training.Map(routes);
    }

    /// <summary>The headers every page response carries: the Content Security Policy, no sniffing, no referrer.</summary>
    public static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // Cross-origin isolated (everything is this origin's anyway): SharedArrayBuffer, and so
        // ONNX Runtime Web's WebAssembly threads, for the Train tab's worker.
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }

    private async Task ServeFileAsync(HttpContext context, string file, string type)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            await HttpError.WriteAsync(context, StatusCodes.Status404NotFound, $"{context.Request.Path} is not installed beside this server{(file.StartsWith("ort/", StringComparison.Ordinal) ? " (ONNX Runtime Web: tools/install-prerequisites.sh installs it, the build copies it)" : "")}.").ConfigureAwait(false);
            return;
        }

        // Sent from the file (ONNX Runtime Web's .wasm is 14 MB), never read into memory.
        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentType = type;
        context.Response.ContentLength = new FileInfo(path).Length;
        await context.Response.SendFileAsync(path, context.RequestAborted).ConfigureAwait(false);
    }

    private Task ModelAsync(HttpContext context)
    {
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileName(modelName).Replace("\"", "", StringComparison.Ordinal)}\"";
        return WriteBytesAsync(context, model, "application/octet-stream");
    }

    private Task InfoAsync(HttpContext context) => JsonResponse.WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WriteString("model", modelName);
        w.WriteString("variant", classifier.Variant);
        w.WriteStartArray("labels");
        foreach (string label in classifier.Labels)
        {
            w.WriteStringValue(label);
        }

        w.WriteEndArray();
        if (classifier.Metadata.TryGetValue("lenet.test_accuracy", out string? accuracy))
        {
            w.WriteString("test_accuracy", accuracy);
        }
        else
        {
            w.WriteNull("test_accuracy");
        }

        w.WriteBoolean("browser", BrowserRuntimeAvailable);
        w.WriteEndObject();
    });

    private static async Task WriteBytesAsync(HttpContext context, byte[] bytes, string type)
    {
        context.Response.ContentType = type;
        context.Response.ContentLength = bytes.Length;
        Secure(context.Response);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    // The first test images of Fashion-MNIST when the model classifies its classes and the files
    // are on disk; an empty gallery otherwise.
    private static byte[] SamplesJson(LeNetClassifier classifier, DataDirectorySearch search)
    {
        DataSetDescription description = FashionMnist.Description;
        var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonResponse.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("images");
            if (classifier.Labels.SequenceEqual(description.ClassNames, StringComparer.Ordinal)
                && DataSetLocator.FindComplete(description, search) is { } found
                && DataSetLocator.ResolveFile(found.Path, description.TestImages) is { } images
                && DataSetLocator.ResolveFile(found.Path, description.TestLabels) is { } labels)
            {
                ImageDataSet test = ImageDataSet.Load("Fashion-MNIST test", images, labels);
                for (int i = 0; i < Math.Min(SampleCount, test.Count); i++)
                {
                    w.WriteStartObject();
                    w.WriteString("label", description.ClassNames[test.Labels.Span[i]]);
                    w.WriteStartArray("pixels");
                    foreach (byte pixel in test.Image(i))
                    {
                        w.WriteNumberValue(pixel);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }
}
