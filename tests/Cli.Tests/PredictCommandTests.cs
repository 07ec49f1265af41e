using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Cli.Commands;
using LeNetOnnx.Cli.Inputs;
using LeNetOnnx.Imaging;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using SkiaSharp;

namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class PredictCommandTests
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;
    private const string TestImagesFile = DebianFashionMnist + "/t10k-images-idx3-ubyte.gz";

    // The first test images: an ankle boot, a pullover, a trouser, a trouser, a shirt, a trouser.
    private static readonly int[] Samples = [0, 1, 2, 3, 4, 5];

    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void Predict_DataSetImagesAsPng_GiveTheLabelsOfTheirRawPixels()
    {
        string model = TrainedModel();
        ImageDataSet test = RealFashionMnist.Test();
        string[] files = [.. Samples.Select(i => WritePicture($"test-{i}.png", test.Image(i), scale: 1, (p, _, _) => new SKColor(p, p, p)))];

        CliRun run = CliRun.Of(["predict", "--model", model, .. files]);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        Assert.HasCount(Samples.Length, headers);
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        for (int n = 0; n < Samples.Length; n++)
        {
            Prediction expected = classifier.Classify(test.Image(Samples[n]));
            StringAssert.StartsWith(
                headers[n],
                string.Create(CultureInfo.InvariantCulture, $"{files[n]}: {expected.LabelName} ({expected.Probability:0.000}) [not inverted: dark background (border mean "),
                run.Output);
        }
    }

    [TestMethod]
    [DataRow("png")]
    [DataRow("jpg")]
    public void Predict_DarkOnTintedPaperAtTripleSize_IsInvertedAndGivesTheSameLabels(string format)
    {
        string model = TrainedModel();
        ImageDataSet test = RealFashionMnist.Test();

        // Black ink on cream paper (luma 237), each pixel drawn as a 3x3 block.
        var paper = new SKColor(255, 236, 200);
        string[] files = [.. Samples.Select(i => WritePicture($"drawn-{i}.{format}", test.Image(i), scale: 3, (p, _, _) => new SKColor(
            (byte)Math.Round(paper.Red * (255 - p) / 255.0), (byte)Math.Round(paper.Green * (255 - p) / 255.0), (byte)Math.Round(paper.Blue * (255 - p) / 255.0))))];

        CliRun run = CliRun.Of(["predict", "--model", model, "--invert", "auto", .. files]);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        for (int n = 0; n < Samples.Length; n++)
        {
            StringAssert.StartsWith(headers[n], $"{files[n]}: {classifier.Classify(test.Image(Samples[n])).LabelName} (", run.Output);
            StringAssert.Contains(headers[n], "[inverted: light background (border mean ", run.Output);
        }
    }

    [TestMethod]
    public void Predict_ObjectOnALargeMargin_IsTrimmedToTheObject()
    {
        string model = TrainedModel();
        ImageDataSet test = RealFashionMnist.Test();

        // Dark ink at 3x, off-centre on a 240x180 white page with faint paper noise.
        var random = new Random(7);
        string[] files = [.. Samples.Select(i =>
        {
            byte[] image = test.Image(i).ToArray();
            return WritePicture($"page-{i}.png", 240, 180, (x, y) =>
            {
                int ix = (x - 30) / 3;
                int iy = (y - 50) / 3;
                int ink = x >= 30 && y >= 50 && ix < 28 && iy < 28 ? image[(iy * 28) + ix] : 0;
                byte v = (byte)Math.Clamp(250 - ink + random.Next(-3, 4), 0, 255);
                return new SKColor(v, v, v);
            });
        })];

        CliRun run = CliRun.Of(["predict", "--model", model, .. files]);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        for (int n = 0; n < Samples.Length; n++)
        {
            StringAssert.StartsWith(headers[n], $"{files[n]}: {classifier.Classify(test.Image(Samples[n])).LabelName} (", run.Output);
            StringAssert.Matches(headers[n], new System.Text.RegularExpressions.Regex(@"\[inverted: light background \(border mean 250\), background level 5 set to 0, trimmed to (\d+x84|84x\d+)\]$"), run.Output);
        }
    }

    [TestMethod]
    public void Predict_TransparentBackground_IsBackgroundWhicheverColourTheObjectIs()
    {
        string model = TrainedModel();
        ImageDataSet test = RealFashionMnist.Test();
        ReadOnlySpan<byte> boot = test.Image(0);
        string white = WritePicture("white.png", boot, scale: 2, (p, _, _) => new SKColor(255, 255, 255, p));
        string black = WritePicture("black.png", boot, scale: 2, (p, _, _) => new SKColor(0, 0, 0, p));

        CliRun run = CliRun.Of("predict", "--model", model, white, black);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        Prediction expected = classifier.Classify(boot);
        string answer = string.Create(CultureInfo.InvariantCulture, $"{expected.LabelName} ({expected.Probability:0.000})");
        StringAssert.StartsWith(headers[0], $"{white}: {answer} [not inverted: light object on a transparent background", run.Output);
        StringAssert.StartsWith(headers[1], $"{black}: {answer} [inverted: dark object on a transparent background", run.Output);
    }

    [TestMethod]
    public void Predict_InvertOption_OverridesTheBorderRule()
    {
        string model = UntrainedModel();
        byte[] image = new byte[LeNetClassifier.PixelsPerImage];
        string picture = WritePicture("dark.png", image, scale: 1, (p, _, _) => new SKColor(p, p, p));

        string always = Headers(CliRun.Of("predict", "--model", model, "--invert", "always", picture).Output)[0];
        string never = Headers(CliRun.Of("predict", "--model", model, "--invert", "never", picture).Output)[0];

        StringAssert.Contains(always, "[inverted: --invert always, the picture has a dark background (border mean 0)");
        StringAssert.Contains(never, "[not inverted: --invert never, the picture has a dark background (border mean 0)");
    }

    [TestMethod]
    public void Predict_IdxRanges_GiveOneAnswerPerImageWithTheTopLines()
    {
        string model = TrainedModel();
        ImageDataSet test = RealFashionMnist.Test();

        CliRun run = CliRun.Of("predict", "--model", model, "--top", "4", $"{TestImagesFile}:0-9", $"{TestImagesFile}:9999");

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        Assert.HasCount(11, headers, run.Output);
        Assert.HasCount(11 * 5, Lines(run.Output));
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        int[] indices = [.. Enumerable.Range(0, 10), 9999];
        for (int n = 0; n < indices.Length; n++)
        {
            Prediction expected = classifier.Classify(test.Image(indices[n]));
            Assert.AreEqual(string.Create(CultureInfo.InvariantCulture, $"{TestImagesFile}:{indices[n]}: {expected.LabelName} ({expected.Probability:0.000})"), headers[n]);
        }

        StringAssert.Contains(run.Output, "\n  4. ");
        Assert.DoesNotContain("  5. ", run.Output);
    }

    [TestMethod]
    public void Predict_IdxWithoutRange_TakesTheFirstTenAndSaysSo()
    {
        string model = UntrainedModel();
        string raw = WriteIdx("many.idx", 12, compress: false);

        CliRun run = CliRun.Of("predict", "--model", model, "--top", "1", raw);

        Assert.AreEqual(0, run.ExitCode, run.Error);
        string[] headers = Headers(run.Output);
        Assert.HasCount(PredictCommand.DefaultIdxImages, headers);
        StringAssert.StartsWith(headers[9], $"{raw}:9: ");
        StringAssert.Contains(run.Error, "12 images, classifying the first 10");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Predict_RawAndGzipIdx_MatchTheClassifier(bool compress)
    {
        string model = UntrainedModel();
        string idx = WriteIdx(compress ? "three.idx.gz" : "three.idx", 3, compress);

        CliRun run = CliRun.Of("predict", "--model", model, "--json", $"{idx}:1-2");

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        Assert.AreEqual(2, json.RootElement.GetArrayLength());
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        for (int n = 0; n < 2; n++)
        {
            JsonElement answer = json.RootElement[n];
            Prediction expected = classifier.Classify(IdxImage(n + 1));
            Assert.AreEqual($"{idx}:{n + 1}", answer.GetProperty("input").GetString());
            Assert.AreEqual(expected.Label, answer.GetProperty("index").GetInt32());
            Assert.AreEqual(expected.Probability, answer.GetProperty("probability").GetSingle());
        }
    }

    [TestMethod]
    public void Predict_Json_IsAnArrayWithTheDocumentedFields()
    {
        string model = UntrainedModel();
        string picture = WritePicture("p.png", IdxImage(0), scale: 2, (p, _, _) => new SKColor(p, (byte)(p / 2), 0));
        string idx = WriteIdx("two.idx.gz", 2, compress: true);

        CliRun run = CliRun.Of("predict", "--model", model, "--json", "--top", "5", picture, $"{idx}:0-1");

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        Assert.AreEqual(JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.AreEqual(3, json.RootElement.GetArrayLength());
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        foreach (JsonElement answer in json.RootElement.EnumerateArray())
        {
            int index = answer.GetProperty("index").GetInt32();
            Assert.AreEqual(classifier.Labels[index], answer.GetProperty("label").GetString());
            JsonElement top = answer.GetProperty("top");
            Assert.AreEqual(5, top.GetArrayLength());
            Assert.AreEqual(index, top[0].GetProperty("index").GetInt32());
            Assert.AreEqual(answer.GetProperty("probability").GetSingle(), top[0].GetProperty("probability").GetSingle());
            for (int r = 0; r < 5; r++)
            {
                Assert.AreEqual(classifier.Labels[top[r].GetProperty("index").GetInt32()], top[r].GetProperty("label").GetString());
                Assert.IsTrue(r == 0 || top[r].GetProperty("probability").GetSingle() <= top[r - 1].GetProperty("probability").GetSingle(), run.Output);
            }
        }

        Assert.AreEqual(picture, json.RootElement[0].GetProperty("input").GetString());
        Assert.IsFalse(json.RootElement[0].GetProperty("inverted").GetBoolean());
        StringAssert.Contains(json.RootElement[0].GetProperty("conversion").GetString(), "dark background");
        Assert.AreEqual($"{idx}:1", json.RootElement[2].GetProperty("input").GetString());
        Assert.AreEqual(JsonValueKind.Null, json.RootElement[2].GetProperty("conversion").ValueKind);
    }

    [TestMethod]
    public void Grey_AppliesTheExifOrientation()
    {
        // Stored 3 wide, 2 high:  a b c / d e f  (grey values 1..6).
        byte[] rgba = [.. Enumerable.Range(1, 6).SelectMany(v => new byte[] { (byte)v, (byte)v, (byte)v, 255 })];

        (float[] right, _, int rw, int rh) = PictureConversion.Grey(rgba, 3, 2, SKEncodedOrigin.RightTop);
        (float[] left, _, int lw, int lh) = PictureConversion.Grey(rgba, 3, 2, SKEncodedOrigin.LeftBottom);
        (float[] mirrored, _, _, _) = PictureConversion.Grey(rgba, 3, 2, SKEncodedOrigin.TopRight);

        Assert.AreEqual((2, 3), (rw, rh));
        CollectionAssert.AreEqual(new float[] { 4, 1, 5, 2, 6, 3 }, right, "rotated 90 degrees clockwise: d a / e b / f c");
        Assert.AreEqual((2, 3), (lw, lh));
        CollectionAssert.AreEqual(new float[] { 3, 6, 2, 5, 1, 4 }, left, "rotated 90 degrees counter-clockwise: c f / b e / a d");
        CollectionAssert.AreEqual(new float[] { 3, 2, 1, 6, 5, 4 }, mirrored);
    }

    [TestMethod]
    public void Grey_UsesBt601Luma()
    {
        byte[] rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 128, 77, 77, 77, 0];

        (float[] luma, float[] alpha, _, _) = PictureConversion.Grey(rgba, 4, 1, SKEncodedOrigin.TopLeft);

        CollectionAssert.AreEqual(new[] { 76.245f, 149.685f, 29.07f, 77f }, luma);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 128 / 255f, 0f }, alpha);
    }

    [TestMethod]
    public void FitAndCenter_ScalesTheLongerSideTo28AndCentres()
    {
        float[] wide = [.. Enumerable.Repeat(255f, 56 * 28)];

        float[] canvas = PictureConversion.FitAndCenter(wide, 56, 28);

        for (int y = 0; y < 28; y++)
        {
            float expected = y is >= 7 and < 21 ? 1f : 0f;
            for (int x = 0; x < 28; x++)
            {
                Assert.AreEqual(expected, canvas[(y * 28) + x], 1e-6f, $"({x}, {y})");
            }
        }
    }

    [TestMethod]
    public void FitAndCenter_AveragesAreas()
    {
        // 84x84 of 3x3 blocks: each block's mean becomes one pixel.
        float[] source = new float[84 * 84];
        for (int y = 0; y < 84; y++)
        {
            for (int x = 0; x < 84; x++)
            {
                source[(y * 84) + x] = (x % 3 == 0 && y % 3 == 0) ? 255f : 0f;
            }
        }

        float[] canvas = PictureConversion.FitAndCenter(source, 84, 84);

        Assert.IsTrue(canvas.All(v => Math.Abs(v - (1f / 9)) < 1e-6f), string.Join(' ', canvas.Distinct()));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Headers(string output) => [.. Lines(output).Where(l => !l.StartsWith(' '))];

    /// <summary>A deterministic 28x28 image: a bright rectangle, shifted by <paramref name="index"/>, on black.</summary>
    private static byte[] IdxImage(int index)
    {
        byte[] image = new byte[LeNetClassifier.PixelsPerImage];
        for (int y = 4 + index; y < 22; y++)
        {
            for (int x = 8; x < 20 + index; x++)
            {
                image[(y * 28) + x] = (byte)(120 + (7 * (x + y + index)) % 135);
            }
        }

        return image;
    }

    private string WriteIdx(string name, int count, bool compress)
    {
        using var contents = new MemoryStream();
        byte[] header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 2051);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        contents.Write(header);
        for (int i = 0; i < count; i++)
        {
            contents.Write(IdxImage(i));
        }

        string path = temporary.File(name);
        using FileStream file = File.Create(path);
        if (compress)
        {
            using var gzip = new GZipStream(file, CompressionLevel.Optimal);
            contents.WriteTo(gzip);
        }
        else
        {
            contents.WriteTo(file);
        }

        return path;
    }

    /// <summary>Writes a 28x28 grey image as a picture, each pixel a <paramref name="scale"/>-sided square of <paramref name="colour"/>(pixel, x, y).</summary>
    private string WritePicture(string name, ReadOnlySpan<byte> image, int scale, Func<byte, int, int, SKColor> colour)
    {
        byte[] pixels = image.ToArray();
        return WritePicture(name, 28 * scale, 28 * scale, (x, y) => colour(pixels[((y / scale) * 28) + (x / scale)], x, y));
    }

    /// <summary>Writes a picture of <paramref name="width"/> x <paramref name="height"/> pixels, PNG or (by its name) JPEG.</summary>
    private string WritePicture(string name, int width, int height, Func<int, int, SKColor> colour)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, colour(x, y));
            }
        }

        bool jpeg = name.EndsWith(".jpg", StringComparison.Ordinal);
        using SKData data = bitmap.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 95);
        string path = temporary.File(name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private string UntrainedModel()
    {
        string path = temporary.File("untrained.onnx");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes());
        }

        return path;
    }

    private static string TrainedModel()
    {
        string path = RepositoryRoot.Combine("models", "lenet-classic.onnx");
        if (!File.Exists(path))
        {
            Prerequisite.Missing($"The trained model {path} is missing (./lenet train --recipe d2l writes it).");
        }

        return path;
    }
}
