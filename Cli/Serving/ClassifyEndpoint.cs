using System.Buffers;
using System.Globalization;
using System.Text.Json;
using LeNetOnnx.Cli.Commands;
using LeNetOnnx.Cli.Inputs;
using LeNetOnnx.Imaging;
using LeNetOnnx.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// <c>POST /v1/classify</c>: a picture (<c>image/png</c>, <c>image/jpeg</c>), JSON pixels or raw
/// pixel bytes (<c>application/octet-stream</c>), one image or a batch. Single images go through
/// the <see cref="BatchingClassifier"/>, which gathers concurrent requests into one model run; a
/// batch request is one run of its own.
/// Every refusal is a JSON <c>{"error": ...}</c> with a 4xx or 503 status.
/// </summary>
internal sealed partial class ClassifyEndpoint(
    LeNetClassifier classifier,
    BatchingClassifier batching,
    ServingMetrics metrics,
    ServeOptions options,
    ILogger logger,
    CancellationToken stopping)
{
    /// <summary>The route.</summary>
    public const string Route = "/v1/classify";

    private const int Classes = LeNetClassifier.ClassCount;

    // Decoding a large picture takes tens of megabytes; at most one per core at a time.
    private readonly SemaphoreSlim decoders = new(Environment.ProcessorCount);

    // A batch request runs the model on its own thread-pool thread; at most one per core at a
    // time, so a flood of batches cannot block every thread (and starve Kestrel and the answers
    // of the batching worker). The others wait their turn.
    private readonly SemaphoreSlim batchRuns = new(Environment.ProcessorCount);

    private enum BodyKind
    {
        Json,
        Picture,

        /// <summary>784 bytes per image, row-major, 0..255: the IDX files' own layout.</summary>
        RawPixels,
    }

    /// <summary>Handles one request; never throws for a bad request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        CancellationToken aborted = context.RequestAborted;
        try
        {
            int top = ParseTop(context.Request.Query);
            BodyKind kind = KindOf(context.Request);
            InvertMode invert = kind == BodyKind.Picture ? ParseInvert(context.Request.Query) : InvertMode.Auto;
            bool explain = ParseExplain(context.Request.Query);
            byte[] body = await ReadBodyAsync(context.Request, aborted).ConfigureAwait(false);
            if (explain)
            {
                await ExplainAsync(context, kind, body, invert, top, aborted).ConfigureAwait(false);
                return;
            }

            if (kind == BodyKind.Picture)
            {
                ConvertedPicture picture = await DecodeAsync(body, invert, aborted).ConfigureAwait(false);
                Prediction prediction = await batching.ClassifyAsync(picture.Pixels.AsMemory(), aborted).ConfigureAwait(false);
                await AnswerSingleAsync(context, prediction, top, w =>
                {
                    w.WriteBoolean("inverted", picture.Inverted);
                    w.WriteString("conversion", picture.Reason);
                }).ConfigureAwait(false);
                return;
            }

            if (kind == BodyKind.RawPixels)
            {
                int images = RawImageCount(body.Length);
                if (images == 1)
                {
                    await AnswerSingleAsync(context, await batching.ClassifyAsync(body.AsMemory(), aborted).ConfigureAwait(false), top).ConfigureAwait(false);
                }
                else
                {
                    await AnswerBatchAsync(context, images, (logits, probabilities) => classifier.Classify(body, logits, probabilities), top, aborted).ConfigureAwait(false);
                }

                return;
            }

            PixelRequest request = PixelRequest.Parse(body, options.MaxImagesPerRequest);
            if (!request.IsBatch)
            {
                await AnswerSingleAsync(context, await batching.ClassifyAsync(request.Image(0), aborted).ConfigureAwait(false), top).ConfigureAwait(false);
                return;
            }

            await AnswerBatchAsync(
                context,
                request.Count,
                (logits, probabilities) => classifier.Classify(request.Pixels.AsSpan(0, request.Count * LeNetClassifier.PixelsPerImage), logits, probabilities),
                top,
                aborted).ConfigureAwait(false);
        }
        catch (HttpError e)
        {
            LogRefused(logger, e.StatusCode, e.Message);
            await HttpError.WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body: a timeout, a malformed chunk...
            LogRefused(logger, e.StatusCode, e.Message);
            await HttpError.WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
        catch (BatchingQueueFullException)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"The server is busy: its queue of {options.Batching.QueueCapacity} images is full. Retry in a second.");
            LogRefused(logger, StatusCodes.Status503ServiceUnavailable, message);
            await HttpError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, retryAfterSeconds: 1).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
        {
            await HttpError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The server is shutting down.", retryAfterSeconds: 1).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left; nobody is there to answer.
        }
    }

    /// <summary>
    /// <c>?explain=true</c> (the web page's request): one picture or one image of raw pixels,
    /// classified directly rather than through the batching front, answered with what the model
    /// received (<c>pixels</c>, each pixel/255) and computed (<c>logits</c>, <c>probabilities</c>)
    /// besides the usual prediction, so that another runtime can be compared on the same input.
    /// </summary>
    private async Task ExplainAsync(HttpContext context, BodyKind kind, byte[] body, InvertMode invert, int top, CancellationToken aborted)
    {
        float[] pixels;
        Action<Utf8JsonWriter>? more = null;
        if (kind == BodyKind.Picture)
        {
            ConvertedPicture picture = await DecodeAsync(body, invert, aborted).ConfigureAwait(false);
            pixels = picture.Pixels;
            more = w =>
            {
                w.WriteBoolean("inverted", picture.Inverted);
                w.WriteString("conversion", picture.Reason);
            };
        }
        else if (kind == BodyKind.RawPixels && RawImageCount(body.Length) == 1)
        {
            pixels = new float[LeNetClassifier.PixelsPerImage];
            PixelScale.Scale(body, pixels);
        }
        else
        {
            throw HttpError.BadRequest("?explain=true takes one picture (PNG, JPEG) or one image of 784 raw bytes.");
        }

        float[] logits = new float[Classes], probabilities = new float[Classes];
        classifier.Classify(pixels, logits, probabilities);
        int label = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        metrics.AddBatchedImages(1);
        await JsonResponse.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            WritePrediction(w, label, probabilities, top);
            more?.Invoke(w);
            WriteNumbers(w, "probabilities", probabilities);
            WriteNumbers(w, "logits", logits);
            WriteNumbers(w, "pixels", pixels);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, ReadOnlySpan<float> values)
    {
        w.WriteStartArray(name);
        foreach (float value in values)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }

    private static bool ParseExplain(IQueryCollection query)
    {
        StringValues values = query["explain"];
        return values.Count == 0 ? false
            : values.Count == 1 && bool.TryParse(values[0], out bool explain) ? explain
            : throw HttpError.BadRequest($"?explain={values} is not true or false.");
    }

    /// <summary>The answer to one image that went through the batching front; <paramref name="more"/> adds properties after the prediction's.</summary>
    private Task AnswerSingleAsync(HttpContext context, Prediction prediction, int top, Action<Utf8JsonWriter>? more = null)
    {
        metrics.AddBatchedImages(1);
        return JsonResponse.WriteAsync(context, w =>
        {
            Span<float> scores = stackalloc float[Classes];
            for (int i = 0; i < Classes; i++)
            {
                scores[i] = prediction.Probabilities[i];
            }

            w.WriteStartObject();
            WritePrediction(w, prediction.Label, scores, top);
            more?.Invoke(w);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// A batch request: it is already a batch, so <paramref name="run"/> classifies it in one run of
    /// its own on this request's thread (at most one per core at a time), then every image is answered in order.
    /// </summary>
    private async Task AnswerBatchAsync(HttpContext context, int count, Action<float[], float[]> run, int top, CancellationToken aborted)
    {
        float[] logits = new float[count * Classes];
        float[] probabilities = new float[count * Classes];
        await batchRuns.WaitAsync(aborted).ConfigureAwait(false);
        try
        {
            run(logits, probabilities);
        }
        finally
        {
            batchRuns.Release();
        }

        metrics.AddDirectImages(count);
        await JsonResponse.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("predictions");
            Span<int> best = stackalloc int[1];
            for (int n = 0; n < count; n++)
            {
                // The label is the largest logit, as LeNetClassifier's own Prediction has it.
                LeNetClassifier.TopK(logits.AsSpan(n * Classes, Classes), best);
                w.WriteStartObject();
                WritePrediction(w, best[0], probabilities.AsSpan(n * Classes, Classes), top);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>How many images a raw-pixel body of <paramref name="bytes"/> holds; refuses any other length with 400.</summary>
    private int RawImageCount(int bytes)
    {
        const int Pixels = LeNetClassifier.PixelsPerImage;
        if (bytes == 0 || bytes % Pixels != 0 || bytes / Pixels > options.MaxImagesPerRequest)
        {
            throw HttpError.BadRequest(string.Create(
                CultureInfo.InvariantCulture,
                $"The application/octet-stream body has {bytes} bytes; raw pixels are {Pixels} bytes per image (28x28, row-major, 0..255), 1 to {options.MaxImagesPerRequest} images."));
        }

        return bytes / Pixels;
    }

    private static int ParseTop(IQueryCollection query)
    {
        StringValues values = query["top"];
        if (values.Count == 0)
        {
            return PredictionJson.DefaultTop;
        }

        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out int top) || top is < 1 or > Classes)
        {
            throw HttpError.BadRequest($"?top={values} is not a whole number from 1 to {Classes}.");
        }

        return top;
    }

    private static InvertMode ParseInvert(IQueryCollection query)
    {
        StringValues values = query["invert"];
        return values.Count == 0
            ? InvertMode.Auto
            : values.ToString() switch
            {
                "auto" => InvertMode.Auto,
                "always" => InvertMode.Always,
                "never" => InvertMode.Never,
                _ => throw HttpError.BadRequest($"?invert={values} is not auto, always or never."),
            };
    }

    private static BodyKind KindOf(HttpRequest request)
    {
        const string Accepted = "Send Content-Type: application/json ({\"pixels\": [...]} or {\"images\": [[...], ...]}), application/octet-stream (784 bytes per image), image/png or image/jpeg.";
        if (string.IsNullOrEmpty(request.ContentType))
        {
            throw new HttpError(StatusCodes.Status415UnsupportedMediaType, $"The request has no Content-Type. {Accepted}");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type))
        {
            throw new HttpError(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' cannot be read. {Accepted}");
        }

        if (type.MatchesMediaType("application/json") || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Json;
        }

        if (type.MatchesMediaType("application/octet-stream"))
        {
            return BodyKind.RawPixels;
        }

        if (type.Type.Equals("image", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Picture;
        }

        throw new HttpError(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{type.MediaType}' is not served. {Accepted}");
    }

    /// <summary>Reads the whole body, refusing it with 413 once it passes the limit (Kestrel enforces the same limit).</summary>
    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken aborted)
    {
        long max = options.MaxRequestBytes;
        if (request.ContentLength > max)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 16 * 1024, max));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, aborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private HttpError TooLarge() => new(
        StatusCodes.Status413PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {options.MaxRequestBytes:N0} bytes allowed."));

    private async Task TooLargeAsync(HttpContext context)
    {
        HttpError error = TooLarge();
        LogRefused(logger, error.StatusCode, error.Message);
        await HttpError.WriteAsync(context, error.StatusCode, error.Message).ConfigureAwait(false);
    }

    /// <summary>
    /// Decodes and converts a picture with <c>lenet predict</c>'s own decoder and conversion, so
    /// the same picture gives the same pixels here and there; refuses it with 400.
    /// </summary>
    private async Task<ConvertedPicture> DecodeAsync(byte[] body, InvertMode invert, CancellationToken aborted)
    {
        if (body.Length == 0)
        {
            throw HttpError.BadRequest("The body is empty; send the picture's bytes.");
        }

        await decoders.WaitAsync(aborted).ConfigureAwait(false);
        try
        {
            return PictureConversion.Convert(PictureDecoder.Decode(body, options.MaxPicturePixels), invert);
        }
        catch (PictureFormatException e)
        {
            throw HttpError.BadRequest(e.Problem switch
            {
                PictureProblem.NotAPicture => $"The body {e.Message}.",
                PictureProblem.TooLarge => $"The picture {e.Message}. Scale it down (28x28 is all the model sees).",
                _ => $"The picture {e.Message} (it is truncated or corrupt).",
            });
        }
        finally
        {
            decoders.Release();
        }
    }

    /// <summary>Writes <c>label</c>, <c>index</c>, <c>probability</c> and the <c>top</c> list into the open object.</summary>
    private void WritePrediction(Utf8JsonWriter w, int label, ReadOnlySpan<float> scores, int top)
    {
        Span<int> ranked = stackalloc int[top];
        LeNetClassifier.TopK(scores, ranked);
        PredictionJson.WriteBest(w, classifier.Labels, scores, label);
        PredictionJson.WriteTop(w, classifier.Labels, scores, ranked);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Refused with {StatusCode}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int statusCode, string reason);
}
