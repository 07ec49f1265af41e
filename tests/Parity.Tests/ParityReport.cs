using System.Globalization;
using System.Text;

namespace LeNetOnnx.Parity.Tests;

/// <summary>The logits one runtime gave for every test image of one model, and its accuracy.</summary>
internal sealed record RuntimeLogits(string Runtime, float[] Logits, int Correct, int Count)
{
    public const int Classes = 10;

    public static RuntimeLogits Score(string runtime, float[] logits, ReadOnlySpan<byte> labels)
    {
        if (logits.Length != labels.Length * Classes)
        {
            throw new InvalidOperationException($"{runtime}: {logits.Length} logits for {labels.Length} images; expected {labels.Length * Classes}.");
        }

        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            correct += ArgMax(logits.AsSpan(n * Classes, Classes)) == labels[n] ? 1 : 0;
        }

        return new RuntimeLogits(runtime, logits, correct, labels.Length);
    }

    /// <summary>Accuracy as printed, with every digit 10,000 images can have: 0.8210.</summary>
    public string Accuracy => ((double)Correct / Count).ToString(Count <= 10_000 ? "F4" : "F6", CultureInfo.InvariantCulture);

    /// <summary>The first index of the largest logit; NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best] || (float.IsNaN(scores[best]) && !float.IsNaN(scores[i])))
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>How two runtimes' logits of one model differ.</summary>
/// <param name="Model">The model's name in the report.</param>
/// <param name="First">One runtime's logits.</param>
/// <param name="Second">The other runtime's logits.</param>
/// <param name="MaxAbs">Largest |a − b| over all logits.</param>
/// <param name="MaxRel">Largest |a − b| / max(|a|, |b|) over all logits (0 where both are 0).</param>
/// <param name="ToleranceUsed">Largest |a − b| / (atol + rtol · max(|a|, |b|)): the pair is within the tolerance when this is at most 1.</param>
/// <param name="ArgMaxMismatches">Images whose largest logit is another class.</param>
/// <param name="FirstMismatch">The first such image, or −1.</param>
internal sealed record PairComparison(string Model, RuntimeLogits First, RuntimeLogits Second, double MaxAbs, double MaxRel, double ToleranceUsed, int ArgMaxMismatches, int FirstMismatch)
{
    public string Pair => $"{First.Runtime} – {Second.Runtime}";

    /// <summary>Compares all logits and every image's argmax; a NaN on either side makes the statistics NaN.</summary>
    public static PairComparison Of(string model, RuntimeLogits first, RuntimeLogits second, double tolerance)
    {
        if (first.Logits.Length != second.Logits.Length)
        {
            throw new InvalidOperationException($"{model}: {first.Runtime} gave {first.Logits.Length} logits, {second.Runtime} {second.Logits.Length}.");
        }

        double maxAbs = 0;
        double maxRel = 0;
        double used = 0;
        for (int i = 0; i < first.Logits.Length; i++)
        {
            double a = first.Logits[i];
            double b = second.Logits[i];
            double abs = Math.Abs(a - b);
            double scale = Math.Max(Math.Abs(a), Math.Abs(b));
            double rel = scale == 0 ? 0 : abs / scale;
            double ratio = abs / tolerance;
            maxAbs = Max(maxAbs, abs);
            maxRel = Max(maxRel, rel);
            used = Max(used, ratio);
        }

        int mismatches = 0;
        int firstMismatch = -1;
        for (int n = 0; n < first.Count; n++)
        {
            int c = RuntimeLogits.Classes;
            if (RuntimeLogits.ArgMax(first.Logits.AsSpan(n * c, c)) != RuntimeLogits.ArgMax(second.Logits.AsSpan(n * c, c)))
            {
                mismatches++;
                firstMismatch = firstMismatch < 0 ? n : firstMismatch;
            }
        }

        return new PairComparison(model, first, second, maxAbs, maxRel, used, mismatches, firstMismatch);
    }

    /// <summary>What is wrong, one line per problem; empty when the pair agrees.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(ToleranceUsed <= 1))
        {
            yield return $"{Model}, {Pair}: logits differ by up to {ParityReport.Number(MaxAbs)} (max rel {ParityReport.Number(MaxRel)}), {ToleranceUsed:F2} times the tolerance";
        }

        if (ArgMaxMismatches != 0)
        {
            yield return $"{Model}, {Pair}: argmax differs for {ArgMaxMismatches} of {First.Count} images (first: image {FirstMismatch})";
        }

        if (First.Correct != Second.Correct)
        {
            yield return $"{Model}, {Pair}: accuracy {First.Accuracy} ({First.Correct} right) vs {Second.Accuracy} ({Second.Correct} right)";
        }
    }

    private static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);
}

/// <summary>Renders the cross-runtime comparisons as a markdown report.</summary>
internal static class ParityReport
{
    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : value == 0 ? "0" : value.ToString("0.00E+00", CultureInfo.InvariantCulture);

    /// <param name="title">The heading.</param>
    /// <param name="preamble">Paragraphs before the table (what was run, the tolerance).</param>
    /// <param name="comparisons">Rows, grouped by model; each model's runtimes give its accuracy columns.</param>
    /// <param name="footer">Paragraphs after the table.</param>
    public static string Render(string title, IEnumerable<string> preamble, IReadOnlyList<PairComparison> comparisons, IEnumerable<string> footer)
    {
        string[] runtimes = comparisons.SelectMany(c => new[] { c.First.Runtime, c.Second.Runtime }).Distinct().ToArray();
        var text = new StringBuilder();
        text.Append("# ").AppendLine(title).AppendLine();
        foreach (string paragraph in preamble)
        {
            text.AppendLine(paragraph).AppendLine();
        }

        text.Append("| model | pair | max abs | max rel | of tolerance | argmax mismatches | ")
            .AppendJoin(" | ", runtimes.Select(r => $"accuracy {r}"))
            .AppendLine(" | result |");
        text.Append("|---|---|---:|---:|---:|---:|").Append(string.Concat(runtimes.Select(_ => "---:|"))).AppendLine("---|");
        foreach (PairComparison c in comparisons)
        {
            var accuracies = comparisons.Where(o => o.Model == c.Model)
                .SelectMany(o => new[] { o.First, o.Second })
                .DistinctBy(r => r.Runtime)
                .ToDictionary(r => r.Runtime, r => r.Accuracy);
            text.Append(CultureInfo.InvariantCulture, $"| {c.Model} | {c.Pair} | {Number(c.MaxAbs)} | {Number(c.MaxRel)} | {c.ToleranceUsed:F2} | {c.ArgMaxMismatches} | ")
                .AppendJoin(" | ", runtimes.Select(r => accuracies.GetValueOrDefault(r, "")))
                .Append(" | ")
                .Append(c.Problems().Any() ? "**FAIL**" : "ok")
                .AppendLine(" |");
        }

        foreach (string paragraph in footer)
        {
            text.AppendLine().AppendLine(paragraph);
        }

        return text.ToString();
    }
}
