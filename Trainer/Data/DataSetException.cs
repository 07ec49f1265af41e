namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// A data set file is missing, malformed (wrong magic, dimensions, counts, truncated, trailing
/// bytes, labels out of range) or not the data it should be. The message starts with the file
/// name and says what was found and what was expected.
/// </summary>
public sealed class DataSetException : IOException
{
    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public DataSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DataSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public DataSetException()
    {
    }
}
