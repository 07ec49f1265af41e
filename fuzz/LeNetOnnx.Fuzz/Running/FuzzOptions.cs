namespace LeNetOnnx.Fuzz.Running;

/// <summary>How long and how <see cref="FuzzRunner"/> fuzzes one target.</summary>
public sealed record FuzzOptions
{
    /// <summary>How long to run; the run also ends after <see cref="MaxExecutions"/> or at the first hang.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most inputs to run, seeds included.</summary>
    public long MaxExecutions { get; init; } = long.MaxValue;

    /// <summary>The mutator's seed: the same seed and executions give the same inputs.</summary>
    public int Seed { get; init; } = 20261123;

    /// <summary>The longest one input may run before it counts as a hang.</summary>
    public TimeSpan InputTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most inputs kept in the corpus: the seeds, then inputs that gave a new outcome.</summary>
    public int MaxCorpus { get; init; } = 512;

    /// <summary>
    /// Where findings are saved (a folder per target: <c>crash-*.bin</c>, <c>hang-*.bin</c>,
    /// <c>died-*.bin</c>, each with a <c>.txt</c>), and where the input in flight is kept so a
    /// process killed by native code leaves it behind; null saves nothing.
    /// </summary>
    public string? FindingsDirectory { get; init; }
}
