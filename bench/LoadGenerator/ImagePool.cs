using System.Text;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.LoadGenerator;

/// <summary>
/// Real Fashion-MNIST test images as ready-made <c>POST /v1/classify</c> bodies, each with the
/// label the model gives it when called directly (one image at a time, serially): the label
/// every 200 answer of the server must repeat.
/// </summary>
public sealed class ImagePool
{
    private ImagePool(byte[][] bodies, int[] labels, string contentType)
    {
        Bodies = bodies;
        Labels = labels;
        ContentType = contentType;
    }

    /// <summary>The bodies: JSON <c>{"pixels": [784 values 0..255]}</c>, or the 784 raw pixel bytes.</summary>
    public IReadOnlyList<byte[]> Bodies { get; }

    /// <summary>The Content-Type every body is sent with.</summary>
    public string ContentType { get; }

    /// <summary>The expected label of each body.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Reads the first <paramref name="count"/> images of an IDX file and labels them with the model.</summary>
    /// <param name="imagesPath">An IDX images file, gzip or raw, e.g. <c>t10k-images-idx3-ubyte.gz</c>.</param>
    /// <param name="modelPath">The model the server serves.</param>
    /// <param name="count">How many images, at most the file's count.</param>
    /// <param name="format">JSON pixels or raw pixel bytes.</param>
    /// <exception cref="DataSetException">The images file is missing or not an IDX images file of 28x28 images.</exception>
    /// <exception cref="LeNetModelException">The model is not a LeNetOnnx model.</exception>
    public static ImagePool Load(string imagesPath, string modelPath, int count, BodyFormat format = BodyFormat.Json)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        byte[] pixels;
        using (IdxImageReader reader = IdxImageReader.Open(imagesPath, LeNetClassifier.ImageSize, LeNetClassifier.ImageSize))
        {
            count = Math.Min(count, reader.Count);
            pixels = reader.ReadImages(0, count);
        }

        using LeNetClassifier classifier = LeNetClassifier.Load(modelPath);
        var bodies = new byte[count][];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> image = pixels.AsSpan(i * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
            labels[i] = classifier.Predict(image);
            bodies[i] = format == BodyFormat.Raw ? image.ToArray() : PixelsJson(image);
        }

        return new ImagePool(bodies, labels, format == BodyFormat.Raw ? "application/octet-stream" : "application/json");
    }

    private static byte[] PixelsJson(ReadOnlySpan<byte> image)
    {
        var json = new StringBuilder("{\"pixels\":[", 4 * LeNetClassifier.PixelsPerImage);
        for (int p = 0; p < image.Length; p++)
        {
            json.Append(p == 0 ? "" : ",").Append(image[p]);
        }

        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}

/// <summary>How <see cref="ImagePool"/> encodes an image as a request body.</summary>
public enum BodyFormat
{
    /// <summary><c>{"pixels": [784 numbers]}</c> as <c>application/json</c>.</summary>
    Json,

    /// <summary>The 784 pixel bytes as <c>application/octet-stream</c>.</summary>
    Raw,
}
