namespace LeNetOnnx.Trainer.Data;

/// <summary>Limits for downloading data set files.</summary>
public readonly record struct DownloadOptions
{
    /// <summary>Creates the defaults: 2 minutes per file and mirror, 64 MiB per file.</summary>
    public DownloadOptions()
    {
    }

    /// <summary>
    /// How long one mirror gets for one file, headers and body together; then the next mirror is
    /// tried. The largest file (26 MB) needs about a minute at 4 Mbit/s.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest body accepted; a larger one is a wrong file, not a slow one. The largest real file is 26.4 MB.</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;
}
