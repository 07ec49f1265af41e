namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// Training diverged: a step's loss was not finite, or the running loss exploded far above
/// chance. Nothing was exported; the run directory keeps its last good checkpoint.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public TrainingDivergedException()
    {
    }
}
