using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Runtime.Tests;

/// <summary>
/// The golden vectors committed beside each trained model (<c>models/X.reference.json</c>: the
/// first test images as raw pixels, their labels and the logits ONNX Runtime C# gave at export)
/// against <see cref="LeNetClassifier"/> on the model beside them (<c>models/X.onnx</c>). No
/// Python or node needed. A model without a reference file is fine; a reference file without
/// its model is not.
/// </summary>
[TestClass]
public sealed class ReferenceVectorTests
{
    private const float Tolerance = 1e-5f;

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the IDX files (as <c>FashionMnist.DebianDirectory</c> in the Trainer).</summary>
    private const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    // Stands for "no reference file at all": MSTest fails a data-driven test with no rows.
    private const string NoReferenceFiles = "(no models/*.reference.json)";

    public static IEnumerable<object[]> ReferenceFiles
    {
        get
        {
            string folder = RepositoryRoot.Combine("models");
            string[] files = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.reference.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
                : [];
            return files.Length == 0 ? [[NoReferenceFiles]] : files.Select(f => new object[] { f });
        }
    }

    [TestMethod]
    [DynamicData(nameof(ReferenceFiles))]
    public void ReferenceLogits_AreReproducedByLeNetClassifier(string referenceFile)
    {
        Reference reference = Reference.Read(referenceFile);
        using LeNetClassifier classifier = LeNetClassifier.Load(reference.ModelPath);
        int count = reference.Images.Count;
        byte[] pixels = reference.Images.SelectMany(i => i.Pixels).ToArray();
        float[] logits = new float[count * LeNetClassifier.ClassCount];
        float[] probabilities = new float[count * LeNetClassifier.ClassCount];
        classifier.Classify(pixels, logits, probabilities);

        float maxAbs = 0;
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> expected = reference.Images[n].Logits;
            ReadOnlySpan<float> actual = logits.AsSpan(n * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount);
            for (int k = 0; k < LeNetClassifier.ClassCount; k++)
            {
                float difference = MathF.Abs(expected[k] - actual[k]);
                Assert.IsLessThanOrEqualTo(Tolerance, difference, $"{referenceFile}: image {n}, logit {k}: stored {expected[k]:R}, now {actual[k]:R}");
                maxAbs = MathF.Max(maxAbs, difference);
            }

            Assert.AreEqual(ArgMax(expected), ArgMax(actual), $"{referenceFile}: image {n}: argmax");
            Assert.AreEqual(ArgMax(actual), classifier.Predict(reference.Images[n].Pixels), $"{referenceFile}: image {n}: Predict");
        }

        Console.WriteLine($"{referenceFile}: {count} images, max abs logit difference {maxAbs:E2} (stored by {reference.Runtime})");
    }

    [TestMethod]
    [DynamicData(nameof(ReferenceFiles))]
    public void ReferenceImages_AreTheFirstFashionMnistTestImagesWithTheirLabels(string referenceFile)
    {
        Reference reference = Reference.Read(referenceFile);
        int count = reference.Images.Count;
        (byte[] images, byte[] labels) = FirstTestImages(count);
        for (int n = 0; n < count; n++)
        {
            Assert.AreEqual(labels[n], reference.Images[n].Label, $"{referenceFile}: image {n}: stored label vs the {n}th Fashion-MNIST test label");
            CollectionAssert.AreEqual(
                images.AsSpan(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage).ToArray(),
                reference.Images[n].Pixels,
                $"{referenceFile}: image {n}: stored pixels vs the {n}th Fashion-MNIST test image");
        }
    }

    private static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            best = scores[i] > scores[best] ? i : best;
        }

        return best;
    }

    /// <summary>
    /// The first <paramref name="count"/> images and labels of the Fashion-MNIST test split, read
    /// straight from the IDX files (this project does not reference the Trainer's reader).
    /// Inconclusive locally, a failure under CI, when the data set is not installed.
    /// </summary>
    private static (byte[] Images, byte[] Labels) FirstTestImages(int count)
    {
        string? images = Find("t10k-images-idx3-ubyte");
        string? labels = Find("t10k-labels-idx1-ubyte");
        if (images is null || labels is null)
        {
            string message = $"Fashion-MNIST's test split is not installed in {FashionMnistDirectory}. Install it with 'apt-get install dataset-fashion-mnist' (tools/install-prerequisites.sh).";
            Prerequisite.Missing(message);
        }

        return (ReadIdx(images, 0x0803, [LeNetClassifier.ImageSize, LeNetClassifier.ImageSize], count), ReadIdx(labels, 0x0801, [], count));
    }

    private static string? Find(string rawName) =>
        new[] { rawName + ".gz", rawName }.Select(n => Path.Combine(FashionMnistDirectory, n)).FirstOrDefault(File.Exists);

    /// <summary>The first <paramref name="count"/> items of an IDX file (gzipped or raw) with the given magic and item shape.</summary>
    private static byte[] ReadIdx(string path, int magic, int[] itemShape, int count)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        byte[] header = new byte[4 * (2 + itemShape.Length)];
        stream.ReadExactly(header);
        Assert.AreEqual(magic, BinaryPrimitives.ReadInt32BigEndian(header), $"{path}: IDX magic");
        Assert.IsGreaterThanOrEqualTo(count, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), $"{path}: item count");
        for (int d = 0; d < itemShape.Length; d++)
        {
            Assert.AreEqual(itemShape[d], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8 + (4 * d))), $"{path}: dimension {d + 1}");
        }

        byte[] items = new byte[count * itemShape.Aggregate(1, (a, b) => a * b)];
        stream.ReadExactly(items);
        return items;
    }

    private sealed record ReferenceImage(int Label, byte[] Pixels, float[] Logits);

    /// <summary>A parsed <c>models/X.reference.json</c> and the path of its model, <c>models/X.onnx</c>.</summary>
    private sealed record Reference(string ModelPath, string Runtime, IReadOnlyList<ReferenceImage> Images)
    {
        private const string Suffix = ".reference.json";

        public static Reference Read(string referenceFile)
        {
            if (referenceFile == NoReferenceFiles)
            {
                Assert.Inconclusive("No models/*.reference.json is committed: nothing to check.");
            }

            string path = RepositoryRoot.Combine("models", referenceFile);
            string modelPath = RepositoryRoot.Combine("models", referenceFile[..^Suffix.Length] + ".onnx");
            Assert.IsTrue(File.Exists(modelPath), $"models/{referenceFile} has no model beside it: models/{Path.GetFileName(modelPath)} does not exist. Commit the model with its reference file, or remove the reference file.");

            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = json.RootElement;
            string runtime = root.TryGetProperty("runtime", out JsonElement r) ? r.GetString() ?? "" : "an unnamed runtime";
            var images = new List<ReferenceImage>();
            foreach (JsonElement image in root.GetProperty("images").EnumerateArray())
            {
                int n = images.Count;
                Assert.AreEqual(n, image.GetProperty("index").GetInt32(), $"{referenceFile}: image {n}: 'index' (the reference holds the first test images, in order)");
                byte[] pixels = Convert.FromBase64String(image.GetProperty("pixels").GetString() ?? "");
                Assert.HasCount(LeNetClassifier.PixelsPerImage, pixels, $"{referenceFile}: image {n}: pixels");
                float[] logits = image.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                Assert.HasCount(LeNetClassifier.ClassCount, logits, $"{referenceFile}: image {n}: logits");
                int label = image.GetProperty("label").GetInt32();
                Assert.IsTrue(label is >= 0 and < LeNetClassifier.ClassCount, $"{referenceFile}: image {n}: label {label} outside 0..9");
                images.Add(new ReferenceImage(label, pixels, logits));
            }

            Assert.IsNotEmpty(images, $"{referenceFile}: no images");
            return new Reference(modelPath, runtime, images);
        }
    }
}
