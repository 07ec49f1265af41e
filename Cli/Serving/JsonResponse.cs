using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeNetOnnx.Cli.Serving;

/// <summary>Writes a JSON response body with <see cref="Utf8JsonWriter"/>: no reflection, nothing buffered twice.</summary>
internal static class JsonResponse
{
    /// <summary>The Content-Type of every JSON answer.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>
    /// Quotes and apostrophes written as they are (<c>'x'</c>, not <c>\u0027x\u0027</c>): the
    /// answers are JSON served as application/json, never embedded in HTML.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Sets status 200 (or <paramref name="statusCode"/>) and the JSON content type, then lets <paramref name="write"/> fill the body.</summary>
    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK)
    {
        HttpResponse response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, JsonResponse.WriterOptions))
        {
            write(writer);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
