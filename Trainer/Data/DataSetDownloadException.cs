namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// No mirror served a file with the published checksum. <see cref="Failures"/> holds each
/// mirror's reason, in the order they were tried; nothing was written under the file's name.
/// </summary>
public sealed class DataSetDownloadException : IOException
{
    /// <summary>Creates the exception for <paramref name="fileName"/> from each mirror's failure.</summary>
    public DataSetDownloadException(string fileName, IReadOnlyList<MirrorFailure> failures)
        : base(Describe(fileName, failures))
    {
        FileName = fileName;
        Failures = failures;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public DataSetDownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DataSetDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public DataSetDownloadException()
    {
    }

    /// <summary>The file that could not be downloaded.</summary>
    public string? FileName { get; }

    /// <summary>Each mirror's failure, in the order the mirrors were tried.</summary>
    public IReadOnlyList<MirrorFailure> Failures { get; } = [];

    private static string Describe(string fileName, IReadOnlyList<MirrorFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        string tried = failures.Count == 0 ? " (no mirrors are configured)" : ":" + string.Concat(failures.Select(f => $"{Environment.NewLine}  {f}"));
        return $"{fileName}: no mirror served it with the published checksum{tried}{Environment.NewLine}"
            + "Check the network connection, or download the four files yourself (gz or raw) into a directory given by --data or LENET_DATA.";
    }
}
