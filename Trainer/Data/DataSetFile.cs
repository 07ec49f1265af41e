namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// One file of a data set: the name its publisher serves it under, the checksum published for
/// those exact bytes, and the SHA-256 of its decompressed IDX contents.
/// </summary>
/// <remarks>
/// Two checksums because a file's bytes and its contents can part ways: Debian's
/// <c>dataset-fashion-mnist</c> recompressed the <c>.gz</c> files, so their MD5s differ from the
/// published ones while the IDX data inside is identical. Downloads are checked against
/// <see cref="Published"/>; files found on disk, compressed or not, against <see cref="ContentSha256"/>.
/// </remarks>
public sealed record DataSetFile
{
    /// <summary>The published file name, e.g. <c>train-images-idx3-ubyte.gz</c>: a plain name, no directory.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a directory separator.</exception>
    public required string FileName
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            if (value != Path.GetFileName(value) || value is "." or ".." || value.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"A data set file name is a plain name without directories; got '{value}'.", nameof(value));
            }

            field = value;
        }
    }

    /// <summary>
    /// The checksum the publisher gives for the file as served (for MNIST and Fashion-MNIST, the
    /// MD5 of the .gz), or null for a file nobody publishes (a user's own IDX data): such a file is
    /// never downloaded.
    /// </summary>
    public Checksum? Published { get; init => field = value is { Hex: null } ? throw new ArgumentException("default(Checksum) is no checksum; give null for a file without one.", nameof(value)) : value; }

    /// <summary>
    /// SHA-256 of the decompressed IDX bytes (header and data), in lowercase hex, or null when not
    /// known: then a file found on disk is parsed and validated but not identified.
    /// </summary>
    public string? ContentSha256
    {
        get;
        init => field = value is null ? null : Checksum.Sha256(value).Hex;
    }

    /// <summary>The name without <c>.gz</c>: how the file is called once decompressed.</summary>
    public string RawFileName => FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;
}
