using LeNetOnnx.Builder.IO;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;
using ScottPlot;
using SkiaSharp;

namespace LeNetOnnx.Trainer.Reports;

/// <summary>
/// The PNG figures of a run, as the d2l chapter shows them: loss and accuracy per epoch, the test
/// confusion matrix, and a grid of test images with their true and predicted labels.
/// </summary>
public static class TrainingPlots
{
    /// <summary>File name of the curves.</summary>
    public const string CurvesFile = "curves.png";

    /// <summary>File name of the confusion matrix.</summary>
    public const string ConfusionFile = "confusion.png";

    /// <summary>File name of the image grid.</summary>
    public const string PredictionsFile = "predictions.png";

    /// <summary>Writes the three PNGs into <paramref name="directory"/>, each atomically; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, string title, IReadOnlyList<EpochMetrics> metrics, ConfusionMatrix confusion, ImageDataSet test, IReadOnlyList<int> predictions)
    {
        string curves = Path.Combine(directory, CurvesFile);
        string matrix = Path.Combine(directory, ConfusionFile);
        string grid = Path.Combine(directory, PredictionsFile);
        AtomicFile.WriteAllBytes(curves, Curves(title, metrics));
        AtomicFile.WriteAllBytes(matrix, Confusion(title, confusion));
        AtomicFile.WriteAllBytes(grid, Predictions(test, predictions, confusion.Labels));
        return [curves, matrix, grid];
    }

    /// <summary>Train loss, train accuracy and test accuracy against the epoch.</summary>
    public static byte[] Curves(string title, IReadOnlyList<EpochMetrics> metrics)
    {
        var plot = new Plot();
        double[] epochs = [.. metrics.Select(m => (double)m.Epoch)];
        AddLine(plot, epochs, [.. metrics.Select(m => m.Loss)], "train loss", LinePattern.Solid);
        AddLine(plot, epochs, [.. metrics.Select(m => m.TrainAccuracy)], "train acc", LinePattern.Dashed);
        AddLine(plot, epochs, [.. metrics.Select(m => m.TestAccuracy)], "test acc", LinePattern.Dotted);
        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend(Alignment.MiddleRight);
        return plot.GetImageBytes(720, 420, ImageFormat.Png);
    }

    /// <summary>
    /// The confusion matrix: rows are true classes, columns predictions; each cell is shaded by its
    /// share of the row (white 0 to dark blue 1) and shows its count.
    /// </summary>
    public static byte[] Confusion(string title, ConfusionMatrix confusion)
    {
        int n = confusion.Labels.Count;
        const int cellSize = 56;
        const int left = 110;
        const int top = 70;
        using var surface = SKSurface.Create(new SKImageInfo(left + (n * cellSize) + 70, top + (n * cellSize) + 20));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var bold = new SKFont(SKTypeface.Default, 14) { Embolden = true };
        using var paint = new SKPaint { IsAntialias = true };
        paint.Color = SKColors.Black;
        canvas.DrawText($"{title}: test set, rows true class, columns predicted", 10, 22, bold, paint);
        for (int p = 0; p < n; p++)
        {
            canvas.Save();
            canvas.Translate(left + (p * cellSize) + (cellSize / 2f), top - 6);
            canvas.RotateDegrees(-35);
            canvas.DrawText(confusion.Labels[p], 0, 0, font, paint);
            canvas.Restore();
        }

        for (int a = 0; a < n; a++)
        {
            long row = Enumerable.Range(0, n).Sum(p => confusion[a, p]);
            paint.Color = SKColors.Black;
            canvas.DrawText(confusion.Labels[a], 8, top + (a * cellSize) + (cellSize / 2f) + 4, font, paint);
            for (int p = 0; p < n; p++)
            {
                double share = row == 0 ? 0 : (double)confusion[a, p] / row;
                paint.Color = new SKColor((byte)(255 - (share * 222)), (byte)(255 - (share * 180)), (byte)(255 - (share * 80)));
                canvas.DrawRect(left + (p * cellSize), top + (a * cellSize), cellSize - 1, cellSize - 1, paint);
                paint.Color = share > 0.5 ? SKColors.White : SKColors.Black;
                string count = confusion[a, p].ToString(System.Globalization.CultureInfo.InvariantCulture);
                canvas.DrawText(count, left + (p * cellSize) + (cellSize / 2f) - (font.MeasureText(count) / 2), top + (a * cellSize) + (cellSize / 2f) + 4, font, paint);
            }
        }

        return Encode(surface);
    }

    /// <summary>The first test images, scaled up, each captioned with its true label and, below, the prediction.</summary>
    public static byte[] Predictions(ImageDataSet test, IReadOnlyList<int> predictions, IReadOnlyList<string> labels, int columns = 8, int rows = 3)
    {
        const int scale = 4;
        const int cell = 28 * scale;
        const int caption = 34;
        int count = Math.Min(columns * rows, Math.Min(test.Count, predictions.Count));
        using var surface = SKSurface.Create(new SKImageInfo(columns * (cell + 8), rows * (cell + caption + 8)));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        using var paint = new SKPaint { IsAntialias = true };
        for (int i = 0; i < count; i++)
        {
            int x = (i % columns) * (cell + 8) + 4;
            int y = (i / columns) * (cell + caption + 8) + 4;
            ReadOnlySpan<byte> image = test.Image(i);
            for (int r = 0; r < 28; r++)
            {
                for (int c = 0; c < 28; c++)
                {
                    byte v = image[(r * 28) + c];
                    paint.Color = new SKColor(v, v, v);
                    canvas.DrawRect(x + (c * scale), y + (r * scale), scale, scale, paint);
                }
            }

            int truth = test.Labels.Span[i];
            paint.Color = SKColors.Black;
            canvas.DrawText(labels[truth], x, y + cell + 13, font, paint);
            paint.Color = predictions[i] == truth ? SKColors.DarkGreen : SKColors.Red;
            canvas.DrawText(labels[predictions[i]], x, y + cell + 28, font, paint);
        }

        return Encode(surface);
    }

    private static byte[] Encode(SKSurface surface)
    {
        using SKImage snapshot = surface.Snapshot();
        using SKData png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string label, LinePattern pattern)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = 2;
    }
}
