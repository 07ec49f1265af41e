using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>The figures of one <c>lenet bench</c> run, printed as a table or as JSON (for bench/compare.sh).</summary>
internal sealed class BenchReport
{
    private readonly List<(string Measure, string Value, string Note)> rows = [];
    private readonly JsonObject json = [];

    public void Add(string key, string measure, double value, string format, string unit, string note = "")
    {
        rows.Add((measure, value.ToString(format, CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : ""), note));
        json[key] = double.IsFinite(value) ? value : null;
    }

    public void AddJson(string key, JsonNode value) => json[key] = value;

    public void WriteText(TextWriter output)
    {
        int measureWidth = Math.Max(7, rows.Max(r => r.Measure.Length));
        int valueWidth = Math.Max(5, rows.Max(r => r.Value.Length));
        output.WriteLine($"{"measure".PadRight(measureWidth)}  {"value".PadLeft(valueWidth)}  note");
        foreach ((string measure, string value, string note) in rows)
        {
            output.WriteLine($"{measure.PadRight(measureWidth)}  {value.PadLeft(valueWidth)}  {note}".TrimEnd());
        }
    }

    public void WriteJson(TextWriter output) => output.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
