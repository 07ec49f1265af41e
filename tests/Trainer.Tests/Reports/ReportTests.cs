using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;
using LeNetOnnx.Trainer.Reports;
using SkiaSharp;

namespace LeNetOnnx.Trainer.Tests.Reports;

[TestClass]
public sealed class ReportTests
{
    [TestMethod]
    public void ConfusionMatrix_CountsArgmaxAgainstLabels()
    {
        var matrix = new ConfusionMatrix(FashionMnistClasses.Names);
        float[] logits = new float[30];
        logits[3] = 1;          // image 0: predicted 3
        logits[10 + 3] = 1;     // image 1: predicted 3
        logits[20 + 9] = 1;     // image 2: predicted 9
        matrix.AddBatch(logits, [3L, 4L, 9L]);
        Assert.AreEqual(3, matrix.Total);
        Assert.AreEqual(1, matrix[3, 3]);
        Assert.AreEqual(1, matrix[4, 3]);
        Assert.AreEqual(2.0 / 3, matrix.Accuracy, 1e-12);
        Assert.AreEqual(0.0, matrix.ClassAccuracy(4));
        StringAssert.Contains(matrix.ToMarkdown(), "| 3 Dress | 1.000 |");
        StringAssert.Contains(matrix.ToText(), "accuracy 0.6667 (3 images)");
    }

    [TestMethod]
    public void TrainingPlots_AreDecodablePngsOfTheExpectedSize()
    {
        var matrix = new ConfusionMatrix(FashionMnistClasses.Names);
        for (int i = 0; i < 100; i++)
        {
            matrix.Add(i % 10, (i * 7) % 10);
        }

        EpochMetrics[] metrics = [new(1, 1.2, 0.6, 1.0, 0.65, 4, 15_000, 0.9), new(2, 0.8, 0.7, 0.7, 0.72, 4, 15_000, 0.9)];
        byte[] pixels = new byte[24 * 784];
        new Random(3).NextBytes(pixels);
        var test = new ImageDataSet("noise", pixels, [.. Enumerable.Range(0, 24).Select(i => (byte)(i % 10))], 28, 28, 10);
        foreach ((byte[] png, int minWidth) in new[]
        {
            (TrainingPlots.Curves("t", metrics), 700),
            (TrainingPlots.Confusion("t", matrix), 600),
            (TrainingPlots.Predictions(test, [.. Enumerable.Range(0, 24).Select(i => i % 10)], FashionMnistClasses.Names), 900),
        })
        {
            using SKBitmap bitmap = SKBitmap.Decode(png);
            Assert.IsNotNull(bitmap);
            Assert.IsGreaterThanOrEqualTo(minWidth, bitmap.Width);
        }
    }
}
