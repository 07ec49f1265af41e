namespace LeNetOnnx.Trainer.Data;

/// <summary>Why one mirror could not serve one file: HTTP status, timeout, truncation, checksum mismatch.</summary>
/// <param name="Url">The full URL that was tried.</param>
/// <param name="Reason">What went wrong, in words.</param>
public readonly record struct MirrorFailure(Uri Url, string Reason)
{
    /// <summary>"URL: reason".</summary>
    public override string ToString() => $"{Url}: {Reason}";
}
