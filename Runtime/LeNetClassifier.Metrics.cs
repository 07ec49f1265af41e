using System.Diagnostics.Metrics;

namespace LeNetOnnx.Runtime;

/// <content>Metrics: the instruments of this instance (see <see cref="RuntimeMetrics"/>).</content>
public sealed partial class LeNetClassifier
{
    // Disposed with the classifier, so a disposed classifier leaves no meter behind.
    private readonly ClassifierMetrics metrics = new();

    /// <summary>The meter of this instance, for tests that listen to one classifier only.</summary>
    internal Meter Meter => metrics.Meter;
}
