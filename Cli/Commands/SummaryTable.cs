using System.Globalization;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Cli.Commands;

/// <summary>Formats a model's <see cref="LayerSummary"/> rows as an aligned plain-text table.</summary>
internal static class SummaryTable
{
    public static void Write(LeNetModel model, TextWriter output)
    {
        string[] header = ["layer", "operation", "output", "parameters", "connections"];
        List<string[]> rows = [header];
        rows.AddRange(model.Layers.Select(l => new[] { l.Layer, l.Operation, l.OutputShape, Number(l.Parameters), Number(l.Connections) }));
        rows.Add(["total", "", "", Number(model.ParameterCount), Number(model.ConnectionCount)]);
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();

        output.WriteLine($"LeNet-5 '{model.Options.Variant}': input 1x{model.Options.InputSize}x{model.Options.InputSize} after preprocessing, {Number(model.ParameterCount)} trainable parameters");
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c >= 3 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
