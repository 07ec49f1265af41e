namespace LeNetOnnx.Builder;

/// <summary>
/// A choice a user made (a hyperparameter, a recipe field, a name) is out of range, unknown or
/// contradicts another; the message names the value and says what is allowed. A user's mistake,
/// not a bug: callers report it as such. An <see cref="ArgumentException"/>, so code that calls
/// the libraries with fixed values may treat it as one.
/// </summary>
public sealed class InvalidOptionException : ArgumentException
{
    /// <summary>Creates the exception with its message.</summary>
    public InvalidOptionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the parameter it is about.</summary>
    public InvalidOptionException(string message, string? paramName)
        : base(message, paramName)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public InvalidOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public InvalidOptionException()
    {
    }
}
