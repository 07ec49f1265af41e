namespace LeNetOnnx.Builder.IO;

/// <summary>
/// An output path cannot be used as it is: its directory is missing, something else is in its
/// place (a directory, a device, a file where a directory should be), or a directory that must
/// be new or empty is not. Nothing was written. A user's mistake, not a failed write
/// (<see cref="OutputWriteException"/>); an <see cref="ArgumentException"/> about the path.
/// </summary>
public sealed class OutputPathException : ArgumentException
{
    /// <summary>Creates the exception with its message.</summary>
    public OutputPathException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public OutputPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public OutputPathException()
    {
    }
}
