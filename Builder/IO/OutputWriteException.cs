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
}
