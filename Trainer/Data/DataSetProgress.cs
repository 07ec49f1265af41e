namespace LeNetOnnx.Trainer.Data;

/// <summary>One step of finding or downloading a data set, for a progress display or a log.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="FileName">The file concerned, or null for a directory-level report.</param>
/// <param name="Mirror">The URL involved, or null.</param>
/// <param name="BytesReceived">Bytes received so far for a download.</param>
/// <param name="TotalBytes">The announced size, when the server gave one.</param>
/// <param name="Detail">A directory, a failure reason, or other words.</param>
public readonly record struct DataSetProgress(DataSetProgressKind Kind, string? FileName, Uri? Mirror, long BytesReceived, long? TotalBytes, string? Detail)
{
    /// <summary>A one-line human description.</summary>
    public override string ToString() => Kind switch
    {
        DataSetProgressKind.Found => $"using {Detail}",
        DataSetProgressKind.DirectorySkipped => $"cannot download into {Detail}",
        DataSetProgressKind.DownloadStarted => $"{FileName}: downloading from {Mirror}",
        DataSetProgressKind.Receiving => $"{FileName}: {Size(BytesReceived)}{(TotalBytes is { } total ? " of " + Size(total) : string.Empty)}",
        DataSetProgressKind.MirrorFailed => $"{FileName}: {Mirror} failed: {Detail}; trying the next mirror",
        DataSetProgressKind.Downloaded => $"{FileName}: {Size(BytesReceived)} from {Mirror}, checksum verified, saved as {Detail}",
        _ => Kind.ToString(),
    };

    private static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / (double)(1 << 20)).ToString("0.0 MiB", System.Globalization.CultureInfo.InvariantCulture)
        : (bytes / 1024.0).ToString("0.0 KiB", System.Globalization.CultureInfo.InvariantCulture);
}
