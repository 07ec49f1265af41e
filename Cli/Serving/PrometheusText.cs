using System.Globalization;
using System.Text;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4: <c># HELP</c> and <c># TYPE</c> once per
/// metric family, then one sample per line, labels escaped.
/// </summary>
internal sealed class PrometheusText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder text = new();
    private readonly HashSet<string> families = new(StringComparer.Ordinal);

    /// <summary>Starts a metric family; a family already started is not announced again.</summary>
    /// <param name="name">The metric name, e.g. <c>lenet_http_requests_total</c>.</param>
    /// <param name="type">counter, gauge, histogram or untyped.</param>
    /// <param name="help">One line of description.</param>
    public void Family(string name, string type, string help)
    {
        if (families.Add(name))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
    }

    /// <summary>One sample: <c>name{labels} value</c>.</summary>
    /// <param name="name">The sample name (a histogram's adds _bucket, _sum, _count).</param>
    /// <param name="labels">Rendered labels (<see cref="Labels"/>), or empty.</param>
    /// <param name="value">The value.</param>
    public void Sample(string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>A whole histogram: cumulative buckets, +Inf, sum and count.</summary>
    /// <param name="name">The family name, without suffix.</param>
    /// <param name="labels">Rendered labels, or empty.</param>
    /// <param name="bounds">The upper bounds, ascending.</param>
    /// <param name="counts">Per bucket counts, not cumulative, one more than <paramref name="bounds"/> (the last is above every bound).</param>
    /// <param name="sum">The sum of the observations.</param>
    public void Histogram(string name, string labels, IReadOnlyList<double> bounds, IReadOnlyList<long> counts, double sum)
    {
        string prefix = labels.Length > 0 ? labels + "," : "";
        long cumulative = 0;
        for (int i = 0; i < bounds.Count; i++)
        {
            cumulative += counts[i];
            Sample(name + "_bucket", $"{prefix}le=\"{Number(bounds[i])}\"", cumulative);
        }

        cumulative += counts[bounds.Count];
        Sample(name + "_bucket", prefix + "le=\"+Inf\"", cumulative);
        Sample(name + "_sum", labels, sum);
        Sample(name + "_count", labels, cumulative);
    }

    /// <summary>Renders labels: <c>a="1",b="x"</c>, names made valid and values escaped.</summary>
    public static string Labels(params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var builder = new StringBuilder();
        foreach ((string name, string value) in labels)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(Name(name)).Append("=\"").Append(EscapeLabel(value)).Append('"');
        }

        return builder.ToString();
    }

    /// <summary>A valid metric or label name: letters, digits, underscores (and colons), not starting with a digit.</summary>
    public static string Name(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>A number as Prometheus reads it: shortest round-trip form, NaN, +Inf, -Inf.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override string ToString() => text.ToString();

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
