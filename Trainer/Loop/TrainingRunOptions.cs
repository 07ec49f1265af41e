using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Engine;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>How a run executes; on CPU only <see cref="Replicas"/> changes its numbers (float rounding).</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Where the checkpoint and <c>metrics.jsonl</c> go; created when missing.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Continue from the run directory's checkpoint instead of starting over.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// The weights to start from instead of the recipe's seeded ones (every parameter of the
    /// recipe's variant, by name), e.g. those of an imported model; null for the seeded ones. Not
    /// read when resuming: the checkpoint holds the weights reached.
    /// </summary>
    public IReadOnlyDictionary<string, float[]>? InitialWeights { get; init; }

    /// <summary>The execution device.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>Intra-op threads in all (0: one per core), shared out among the <see cref="Replicas"/>.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Sessions that each train on a slice of every batch at the same time, their gradients then
    /// averaged (0: <see cref="DefaultCpuReplicas"/> on CPU, 1 on CUDA). The result depends on this
    /// number through float rounding only, not on the machine; a resumed run keeps its checkpoint's.
    /// </summary>
    public int Replicas { get; init; }

    /// <summary>Replicas on CPU when <see cref="Replicas"/> is 0: one single-thread session per core of a two-core machine.</summary>
    public const int DefaultCpuReplicas = 2;

    /// <summary>The replica count for a device: <see cref="Replicas"/>, or the device's default.</summary>
    public int ReplicasFor(ExecutionDevice device) => Replicas > 0 ? Replicas : device == ExecutionDevice.Cuda ? 1 : DefaultCpuReplicas;

    /// <summary>Intra-op threads per replica session (0 lets ONNX Runtime choose, with one replica).</summary>
    public int ThreadsPerReplica(int replicas)
    {
        if (replicas == 1)
        {
            return Threads;
        }

        int total = Threads > 0 ? Threads : Environment.ProcessorCount;
        return Math.Max(1, total / replicas);
    }

    /// <summary>CUDA only: allow TF32 math.</summary>
    public bool AllowTf32 { get; init; }

    /// <summary>Stop after this many epochs of this invocation (for tests and interruptions); null: run to the recipe's end.</summary>
    public int? StopAfterEpochs { get; init; }
}
