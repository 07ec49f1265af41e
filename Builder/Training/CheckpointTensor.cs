namespace LeNetOnnx.Builder.Training;

/// <summary>What a checkpoint tensor holds.</summary>
public enum CheckpointTensorKind
{
    /// <summary>A trainable parameter, named as in the models.</summary>
    Parameter,

    /// <summary>Optimizer state, named <c>&lt;parameter&gt;.&lt;state&gt;</c>.</summary>
    OptimizerState,
}

/// <summary>One float32 tensor of a checkpoint.</summary>
/// <param name="Name">The name the models use for it.</param>
/// <param name="Kind">Parameter or optimizer state.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Data">Its values, row-major.</param>
public sealed record CheckpointTensor(string Name, CheckpointTensorKind Kind, IReadOnlyList<long> Shape, float[] Data);
