namespace LeNetOnnx.Builder.Training;

/// <summary>
/// Everything needed to continue training: parameters, optimizer state, progress and the options
/// that made them. Stored by <see cref="CheckpointFile"/>.
/// </summary>
public sealed record Checkpoint
{
    /// <summary>The LeNet-5 variant.</summary>
    public required string Variant { get; init; }

    /// <summary>The opset the artifacts were built for.</summary>
    public required int Opset { get; init; }

    /// <summary>Seed of the initial weights.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The optimizer and its hyperparameters.</summary>
    public required OptimizerOptions Optimizer { get; init; }

    /// <summary>Optimizer steps taken so far (the next step is <c>Step + 1</c>).</summary>
    public long Step { get; init; }

    /// <summary>Epochs completed so far.</summary>
    public int Epoch { get; init; }

    /// <summary>Parameters first, then optimizer state, in model order.</summary>
    public required IReadOnlyList<CheckpointTensor> Tensors { get; init; }

    /// <summary>Free-form facts a trainer keeps with the weights (recipe, data checksums, metrics).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public CheckpointTensor this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"The checkpoint has no tensor '{name}'.");
}
