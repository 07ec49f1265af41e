using System.Globalization;
using System.Text;

namespace LeNetOnnx.Trainer.Reports;

/// <summary>Counts of (true label, predicted label) over a data set, with the accuracies derived from them.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] counts;

    /// <summary>An empty matrix over <paramref name="labels"/>.</summary>
    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        counts = new long[labels.Count, labels.Count];
    }

    /// <summary>The class names, in label order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Examples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[actual, predicted];

    /// <summary>Right answers over all examples.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Labels.Count).Sum(i => counts[i, i]) / Total;

    /// <summary>Counts one example.</summary>
    public void Add(int actual, int predicted)
    {
        counts[actual, predicted]++;
        Total++;
    }

    /// <summary>Counts a batch: the argmax of each row of <paramref name="logits"/> against its label.</summary>
    public void AddBatch(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels)
    {
        int classes = Labels.Count;
        for (int n = 0; n < labels.Length; n++)
        {
            Add((int)labels[n], System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.Slice(n * classes, classes)));
        }
    }

    /// <summary>Accuracy within class <paramref name="actual"/> (its recall).</summary>
    public double ClassAccuracy(int actual)
    {
        long row = Enumerable.Range(0, Labels.Count).Sum(p => counts[actual, p]);
        return row == 0 ? 0 : (double)counts[actual, actual] / row;
    }

    /// <summary>A markdown table of per-class accuracy, then the matrix (rows: true class, columns: predicted).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| class | accuracy |").AppendLine("|---|---|");
        for (int i = 0; i < Labels.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {i} {Labels[i]} | {ClassAccuracy(i):F3} |");
        }

        text.AppendLine().Append("| true \\ predicted |");
        for (int p = 0; p < Labels.Count; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $" {p} |");
        }

        text.AppendLine().Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---|", Labels.Count)));
        for (int a = 0; a < Labels.Count; a++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {a} {Labels[a]} |");
            for (int p = 0; p < Labels.Count; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {counts[a, p]} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Plain text for a terminal: per-class accuracy and the matrix with aligned columns.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        int nameWidth = Labels.Max(l => l.Length) + 3;
        text.AppendLine(CultureInfo.InvariantCulture, $"accuracy {Accuracy:F4} ({Total:N0} images)");
        for (int i = 0; i < Labels.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {(i + " " + Labels[i]).PadRight(nameWidth)} {ClassAccuracy(i):F3}");
        }

        text.AppendLine("confusion matrix (rows: true class, columns: predicted)");
        text.Append(new string(' ', nameWidth + 2));
        for (int p = 0; p < Labels.Count; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p,6}");
        }

        text.AppendLine();
        for (int a = 0; a < Labels.Count; a++)
        {
            text.Append("  ").Append((a + " " + Labels[a]).PadRight(nameWidth));
            for (int p = 0; p < Labels.Count; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{counts[a, p],6}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
