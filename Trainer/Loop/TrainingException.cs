namespace LeNetOnnx.Trainer.Loop;

/// <summary>Training cannot go on: the loss became NaN, or a checkpoint does not fit the recipe.</summary>
public sealed class TrainingException : Exception
{
    /// <summary>Creates the exception with a message that says what happened and where.</summary>
    public TrainingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public TrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public TrainingException()
    {
    }
}
