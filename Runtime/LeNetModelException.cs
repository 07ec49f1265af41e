namespace LeNetOnnx.Runtime;

/// <summary>
/// A model could not be used: it is corrupt, truncated, too large, stores data outside the file,
/// or does not follow the LeNetOnnx model contract. The message says what was expected, what
/// was found and what to do; ONNX Runtime's own error, when there is one, is the inner exception.
/// </summary>
public sealed class LeNetModelException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    /// <param name="message">What was wrong, what was expected and what to do.</param>
    public LeNetModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What was wrong, what was expected and what to do.</param>
    /// <param name="innerException">The underlying error, e.g. ONNX Runtime's.</param>
    public LeNetModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
