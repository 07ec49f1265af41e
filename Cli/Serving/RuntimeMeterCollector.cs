using System.Diagnostics.Metrics;
using System.Globalization;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// Listens to the instruments of the Runtime's meters (<see cref="RuntimeMetrics.MeterName"/>: images
/// classified, inference time, and the batching classifier's batch sizes, queue waits, rejections
/// and pending requests) and keeps them for <c>/metrics</c>: counters summed, observable gauges as
/// their current value, histograms in buckets (the instrument's advised boundaries when it has them).
/// Any instrument those meters publish is exported, named after it: <c>lenet.batching.queue_wait</c>
/// in <c>ms</c> becomes <c>lenet_batching_queue_wait_milliseconds</c>, a counter gets <c>_total</c>.
/// </summary>
/// <remarks>
/// Every classifier has a meter of its own, and a <see cref="MeterListener"/> hears all of them in
/// the process; series are keyed by instrument name and tags, so instances add up (in
/// <c>lenet serve</c> there is one classifier and one batching classifier).
/// </remarks>
internal sealed class RuntimeMeterCollector : IDisposable
{
    private static readonly double[] SecondsBounds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] MillisecondsBounds = [.. SecondsBounds.Select(b => b * 1000)];
    private static readonly double[] CountBounds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    private readonly MeterListener listener = new();
    private readonly Lock sync = new();
    private readonly Lock scrape = new();
    private readonly Dictionary<string, Family> families = new(StringComparer.Ordinal);

    /// <param name="meterName">The meters to listen to.</param>
    public RuntimeMeterCollector(string meterName)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, (double)v, tags));
        listener.Start();
    }

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    /// <summary>The Runtime's meters.</summary>
    public static RuntimeMeterCollector ForRuntime() => new(RuntimeMetrics.MeterName);

    /// <summary>Polls the observable instruments, then writes every series.</summary>
    public void WriteTo(PrometheusText output)
    {
        lock (scrape)
        {
            // Observable instruments report their current value on each poll; instances add up.
            lock (sync)
            {
                foreach (Family family in families.Values.Where(f => f.Observable))
                {
                    family.Series.Clear();
                }
            }

            listener.RecordObservableInstruments();
            lock (sync)
            {
                foreach (Family family in families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    output.Family(family.Name, family.Kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" }, family.Help);
                    foreach ((string labels, Series s) in family.Series.OrderBy(s => s.Key, StringComparer.Ordinal))
                    {
                        if (s.Buckets is { } buckets)
                        {
                            output.Histogram(family.Name, labels, family.Bounds!, buckets, s.Value);
                        }
                        else
                        {
                            output.Sample(family.Name, labels, s.Value);
                        }
                    }
                }
            }
        }
    }

    public void Dispose() => listener.Dispose();

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = new (string Name, string Value)[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            pairs[i] = (tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return PrometheusText.Labels(pairs);
    }

    private static Kind KindOf(Instrument instrument)
    {
        Type type = instrument.GetType();
        Type definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? Kind.Counter
            : definition == typeof(Histogram<>) ? Kind.Histogram
            : Kind.Gauge;
    }

    private static bool IsSynchronousGauge(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Gauge<>);

    private static string MetricName(Instrument instrument, Kind kind)
    {
        string name = PrometheusText.Name(instrument.Name.ToLowerInvariant());
        string suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        return kind == Kind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            _ => null,
        };
        return advised is { Count: > 0 } ? [.. advised.Order()] : instrument.Unit switch
        {
            "s" => SecondsBounds,
            "ms" => MillisecondsBounds,
            _ => CountBounds,
        };
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string labels = Labels(tags);
        lock (sync)
        {
            if (!families.TryGetValue(instrument.Name, out Family? family))
            {
                Kind kind = KindOf(instrument);
                family = new Family(
                    MetricName(instrument, kind),
                    kind,
                    instrument.IsObservable,
                    IsSynchronousGauge(instrument),
                    string.IsNullOrEmpty(instrument.Description) ? $"{instrument.Name} ({instrument.Meter.Name})" : instrument.Description,
                    kind == Kind.Histogram ? BoundsOf(instrument) : null);
                families.Add(instrument.Name, family);
            }

            if (!family.Series.TryGetValue(labels, out Series? s))
            {
                s = new Series(family.Bounds is null ? null : new long[family.Bounds.Length + 1]);
                family.Series.Add(labels, s);
            }

            if (s.Buckets is { } buckets)
            {
                int bucket = Array.FindIndex(family.Bounds!, b => value <= b);
                buckets[bucket < 0 ? family.Bounds!.Length : bucket]++;
            }

            // Sums: of increments (counters, up-down counters, histograms) and of the current
            // values observable instruments report per instance; a synchronous gauge keeps its last value.
            s.Value = family.LastValue ? value : s.Value + value;
        }
    }

    private sealed record Family(string Name, Kind Kind, bool Observable, bool LastValue, string Help, double[]? Bounds)
    {
        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Series(long[]? buckets)
    {
        public long[]? Buckets { get; } = buckets;

        public double Value { get; set; }
    }
}
