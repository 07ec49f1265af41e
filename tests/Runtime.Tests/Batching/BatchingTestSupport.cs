using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LeNetOnnx.Runtime.Tests.Batching;

/// <summary>Images, their serial answers and the comparison every batching test makes.</summary>
internal static class BatchingTestSupport
{
    /// <summary>Seeded images as pixel/255, one array per image.</summary>
    public static float[][] Images(int count, int seed)
    {
        float[] all = TestModels.Images(count, seed);
        return [.. Enumerable.Range(0, count).Select(i => all.AsSpan(i * 784, 784).ToArray())];
    }

    /// <summary>Each image classified alone by the classifier itself: the answers batching must reproduce.</summary>
    public static Prediction[] SerialAnswers(LeNetClassifier classifier, float[][] images) =>
        [.. images.Select(image => classifier.Classify(image))];

    /// <summary>Null when the predictions are the same bit for bit, else what differs.</summary>
    public static string? Difference(Prediction expected, Prediction actual)
    {
        if (expected.Label != actual.Label || expected.LabelName != actual.LabelName)
        {
            return $"label {actual.Label} {actual.LabelName}, expected {expected.Label} {expected.LabelName}";
        }

        if (!expected.Probability.Equals(actual.Probability) || !expected.Probabilities.SequenceEqual(actual.Probabilities))
        {
            return $"probabilities [{string.Join(", ", actual.Probabilities)}], expected [{string.Join(", ", expected.Probabilities)}]";
        }

        return null;
    }

    public static void AssertSame(Prediction expected, Prediction actual, string context)
    {
        string? difference = Difference(expected, actual);
        Assert.IsNull(difference, $"{context}: {difference}");
    }
}

/// <summary>
/// A batch runner that stops at a gate before each run, so a test holds the worker inside a batch
/// for as long as it likes, without any timing.
/// </summary>
internal sealed class GatedRunner(LeNetClassifier classifier) : IDisposable
{
    private readonly SemaphoreSlim started = new(0);
    private readonly ManualResetEventSlim open = new(false);

    /// <summary>The size of every batch the worker has started, in order.</summary>
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public void Run(ReadOnlySpan<float> images, Span<float> logits, Span<float> probabilities)
    {
        BatchSizes.Enqueue(images.Length / LeNetClassifier.PixelsPerImage);
        started.Release();
        open.Wait();
        classifier.Classify(images, logits, probabilities);
    }

    /// <summary>Completes when the worker has started one more batch (and stopped at the gate).</summary>
    public Task BatchStartedAsync() => started.WaitAsync();

    /// <summary>Lets the held batch and all later ones run.</summary>
    public void Open() => open.Set();

    public void Dispose()
    {
        open.Set();
        started.Dispose();
        open.Dispose();
    }
}

/// <summary>Collects the measurements of the given meters only, so other instances in the test run never count.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> measurements = new();

    public MeasurementRecorder(params Meter[] meters)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Contains(instrument.Meter))
            {
                Published.Enqueue(instrument.Name);
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The names of the instruments published by the meters.</summary>
    public ConcurrentQueue<string> Published { get; } = new();

    public double[] Values(string instrument) =>
        [.. measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];

    public KeyValuePair<string, object?>[][] Tags(string instrument) =>
        [.. measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags)];

    /// <summary>Reads the observable instruments now.</summary>
    public void Observe() => listener.RecordObservableInstruments();

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        measurements.Enqueue((instrument.Name, value, tags.ToArray()));
}
