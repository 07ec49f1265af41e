using LeNetOnnx.Trainer.Engine;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>How a run executes; none of these change its numbers on CPU.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Where the checkpoint and <c>metrics.jsonl</c> go; created when missing.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Continue from the run directory's checkpoint instead of starting over.</summary>
    public bool Resume { get; init; }

    /// <summary>The execution device.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>Intra-op threads per session (0: ONNX Runtime's default, one per core).</summary>
    public int Threads { get; init; }

    /// <summary>CUDA only: allow TF32 math.</summary>
    public bool AllowTf32 { get; init; }

    /// <summary>Stop after this many epochs of this invocation (for tests and interruptions); null: run to the recipe's end.</summary>
    public int? StopAfterEpochs { get; init; }
}
