namespace LeNetOnnx.Builder.IO;

/// <summary>
/// Writing an output failed (disk full, read-only file system, I/O error); the message names the
/// output, not the temporary file the failure happened in. <see cref="Exception.HResult"/> is the
/// original one (on Unix, the errno), so callers can still tell a full disk from a read-only one.
/// </summary>
public sealed class OutputWriteException : IOException
{
    /// <summary>Wraps <paramref name="inner"/>, naming <paramref name="target"/>.</summary>
    public OutputWriteException(string target, IOException inner)
        : base($"Cannot write '{target}': {inner?.Message}", inner) => HResult = inner?.HResult ?? HResult;

    /// <summary>
    /// A failure to write <paramref name="target"/> (through a temporary file or directory beside
    /// it), its message naming the target: I/O errors become an <see cref="OutputWriteException"/>,
    /// access errors an <see cref="UnauthorizedAccessException"/> saying the same.
    /// </summary>
    internal static Exception Naming(string target, Exception failure) => failure switch
    {
        OutputWriteException => failure,
        IOException io => new OutputWriteException(target, io),
        _ => new UnauthorizedAccessException($"Cannot write '{target}': {failure.Message}", failure),
    };
}
