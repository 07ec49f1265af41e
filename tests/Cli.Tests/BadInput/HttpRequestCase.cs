using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LeNetOnnx.Cli.Serving;
using LeNetOnnx.Cli.Tests.Serving;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>
/// A row sent to a running <c>lenet serve</c> (in-process, 127.0.0.1, a free port): the answer must
/// have <see cref="Status"/>, a JSON body <c>{"error": "…"}</c> of one line containing
/// <see cref="Mentions"/> and no stack trace, and the server must answer a good request right after.
/// </summary>
public sealed record HttpRequestCase(string Input, string PathAndQuery, Func<HttpContent> Body, HttpStatusCode Status, string Mentions) : BadInputCase("serve", Input)
{
    /// <summary>The server's options (the address is always 127.0.0.1 with a free port).</summary>
    internal ServeOptions Options { get; init; } = new();

    internal override async Task CheckAsync(BadInputScene scene)
    {
        if (!File.Exists(RunningServer.ModelPath))
        {
            Prerequisite.Missing($"The trained model {RunningServer.ModelPath} is missing (./lenet train --recipe d2l writes it).");
        }

        await using RunningServer server = await RunningServer.StartAsync(Options);
        using (HttpContent body = Body())
        using (HttpResponseMessage response = await server.Client.PostAsync(PathAndQuery, body))
        {
            string text = await response.Content.ReadAsStringAsync();
            Assert.AreEqual(Status, response.StatusCode, text);
            Assert.AreEqual("application/json", response.Content.Headers.ContentType?.MediaType, text);
            using var json = JsonDocument.Parse(text);
            string error = json.RootElement.GetProperty("error").GetString()!;
            StringAssert.Contains(error, Mentions, text);
            Assert.DoesNotContain("\n", error, text);
            Assert.IsFalse(System.Text.RegularExpressions.Regex.IsMatch(error, @"\bat [\w.]+\("), "a stack frame in the error: " + text);
            Assert.DoesNotContain("Exception", error, text);
        }

        using HttpResponseMessage good = await server.Client.PostAsync("/v1/classify", Json(Pixels(LeNetClassifier.PixelsPerImage)));
        Assert.AreEqual(HttpStatusCode.OK, good.StatusCode, "the server stopped serving after the bad request: " + await good.Content.ReadAsStringAsync());
    }

    /// <summary>A JSON body.</summary>
    public static ByteArrayContent Json(string json) => Content(Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>A body of <paramref name="bytes"/> with the given Content-Type (none when null).</summary>
    public static ByteArrayContent Content(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary><c>{"pixels": [...]}</c> with <paramref name="count"/> zeros, the sixth replaced by <paramref name="sixth"/> when given.</summary>
    public static string Pixels(int count, string? sixth = null) =>
        "{\"pixels\":[" + string.Join(',', Enumerable.Range(0, count).Select(i => i == 5 && sixth is not null ? sixth : "0")) + "]}";
}
