using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeNetOnnx.Cli.Serving;

/// <summary>A request the server refuses: the status code and the message the client gets as <c>{"error": ...}</c>.</summary>
internal sealed class HttpError(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status code, 4xx or 5xx.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>A 400 Bad Request.</summary>
    public static HttpError BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>
    /// Writes <c>{"error": message}</c> with <paramref name="statusCode"/>, replacing whatever
    /// headers were set, unless the response has already started (then nothing can be said).
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, string message, int? retryAfterSeconds = null)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.Clear();
        response.StatusCode = statusCode;
        response.ContentType = JsonResponse.ContentType;
        response.Headers.CacheControl = "no-store";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (statusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of the body is not read: the connection cannot carry another request.
            response.Headers.Connection = "close";
        }
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, JsonResponse.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
