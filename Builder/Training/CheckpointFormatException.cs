namespace LeNetOnnx.Builder.Training;

/// <summary>A checkpoint file is not one, is truncated, corrupt, or of an unsupported version.</summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public CheckpointFormatException()
    {
    }
}
