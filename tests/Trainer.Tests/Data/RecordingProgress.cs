using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

/// <summary>Records progress reports synchronously (Progress&lt;T&gt; posts them later, on the thread pool).</summary>
internal sealed class RecordingProgress : IProgress<DataSetProgress>
{
    private readonly Lock gate = new();
    private readonly List<DataSetProgress> reports = [];

    public IReadOnlyList<DataSetProgress> Reports
    {
        get
        {
            lock (gate)
            {
                return reports.ToArray();
            }
        }
    }

    public void Report(DataSetProgress value)
    {
        lock (gate)
        {
            reports.Add(value);
        }
    }
}
