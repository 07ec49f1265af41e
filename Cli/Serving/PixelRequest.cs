using System.Globalization;
using System.Text.Json;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// A JSON classify request: <c>{"pixels": [784 numbers]}</c> (one image) or
/// <c>{"images": [[784 numbers], ...]}</c> (a batch). Pixels are 0..255 as in the IDX files,
/// row-major, 0 = background; they are kept as pixel/255, the model's input.
/// </summary>
internal sealed class PixelRequest
{
    private const string Shape = "send {\"pixels\": [784 numbers 0..255]} or {\"images\": [[784 numbers 0..255], ...]}";

    private PixelRequest(float[] pixels, int count, bool isBatch)
    {
        Pixels = pixels;
        Count = count;
        IsBatch = isBatch;
    }

    /// <summary><see cref="Count"/> x 784 values, pixel/255; the array may be longer.</summary>
    public float[] Pixels { get; }

    /// <summary>How many images the request holds, at least one.</summary>
    public int Count { get; }

    /// <summary>Whether the request was a batch (<c>images</c>), answered with <c>predictions</c>.</summary>
    public bool IsBatch { get; }

    /// <summary>One image's values.</summary>
    public ReadOnlyMemory<float> Image(int index) => Pixels.AsMemory(index * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);

    /// <summary>Reads and checks a request body.</summary>
    /// <param name="json">The body, UTF-8.</param>
    /// <param name="maxImages">The most images a batch may hold.</param>
    /// <exception cref="HttpError">400: not JSON, not the expected shape, a wrong pixel count, a value that is not a number in 0..255.</exception>
    public static PixelRequest Parse(ReadOnlySpan<byte> json, int maxImages)
    {
        try
        {
            return Read(json, maxImages);
        }
        catch (JsonException e)
        {
            // The reader's message says what and where, e.g. "'N' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 11."
            throw HttpError.BadRequest($"The body is not valid JSON: {e.Message} ({Shape})");
        }
    }

    private static PixelRequest Read(ReadOnlySpan<byte> json, int maxImages)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw HttpError.BadRequest($"The body must be a JSON object; {Shape}.");
        }

        var pixels = new PixelBuffer();
        bool? batch = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            if (name is not ("pixels" or "images"))
            {
                throw HttpError.BadRequest($"Unknown property \"{Truncate(name)}\"; {Shape}.");
            }

            if (batch is not null)
            {
                throw HttpError.BadRequest($"Give either \"pixels\" or \"images\", once; {Shape}.");
            }

            batch = name == "images";
            reader.Read();
            if (batch == false)
            {
                ReadImage(ref reader, pixels, null);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw HttpError.BadRequest($"\"images\" must be an array of images, each an array of 784 numbers 0..255; it is {Describe(reader.TokenType)}.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (pixels.Count == maxImages)
                {
                    throw HttpError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"\"images\" holds more than {maxImages} images, the most one request may hold; split it."));
                }

                ReadImage(ref reader, pixels, pixels.Count);
            }

            if (pixels.Count == 0)
            {
                throw HttpError.BadRequest("\"images\" is empty; give at least one image of 784 numbers 0..255.");
            }
        }

        if (batch is null)
        {
            throw HttpError.BadRequest($"The object has neither \"pixels\" nor \"images\"; {Shape}.");
        }

        // Anything after the object is malformed JSON; the reader throws when it meets it.
        reader.Read();
        return new PixelRequest(pixels.Values, pixels.Count, batch.Value);
    }

    private static void ReadImage(ref Utf8JsonReader reader, PixelBuffer pixels, int? index)
    {
        string image = index is { } i ? string.Create(CultureInfo.InvariantCulture, $"images[{i}]") : "pixels";
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw HttpError.BadRequest($"{image} must be an array of 784 numbers 0..255 (28x28, row-major); it is {Describe(reader.TokenType)}.");
        }

        Span<float> target = pixels.Add();
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw HttpError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{image}[{count}] is {Describe(reader.TokenType)}; pixels are numbers 0..255."));
            }

            if (count == LeNetClassifier.PixelsPerImage)
            {
                throw HttpError.BadRequest($"{image} has more than {LeNetClassifier.PixelsPerImage} values; an image is exactly {LeNetClassifier.PixelsPerImage} (28x28, row-major, 0..255).");
            }

            if (!reader.TryGetDouble(out double value) || !double.IsFinite(value) || value is < 0 or > 255)
            {
                string text = Truncate(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan));
                throw HttpError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{image}[{count}] is {text}, outside 0..255."));
            }

            target[count++] = PixelScale.Of((float)value);
        }

        if (count != LeNetClassifier.PixelsPerImage)
        {
            throw HttpError.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{image} has {count} values; an image is exactly {LeNetClassifier.PixelsPerImage} (28x28, row-major, 0..255)."));
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Images appended one after another, the array doubling as needed.</summary>
    private sealed class PixelBuffer
    {
        public float[] Values { get; private set; } = new float[LeNetClassifier.PixelsPerImage];

        public int Count { get; private set; }

        public Span<float> Add()
        {
            int needed = (Count + 1) * LeNetClassifier.PixelsPerImage;
            if (needed > Values.Length)
            {
                float[] grown = new float[Math.Max(needed, Values.Length * 2)];
                Values.AsSpan(0, Count * LeNetClassifier.PixelsPerImage).CopyTo(grown);
                Values = grown;
            }

            return Values.AsSpan(Count++ * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
        }
    }
}
