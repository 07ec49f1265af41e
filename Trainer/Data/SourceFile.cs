namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Where an in-memory data set came from: the file, the SHA-256 of its bytes on disk and of its
/// decompressed IDX contents. Models record these, so a result can be traced to its exact data.
/// </summary>
/// <param name="Path">The full path that was read.</param>
/// <param name="Sha256">SHA-256 of the file's bytes as stored (compressed or not), lowercase hex.</param>
/// <param name="ContentSha256">SHA-256 of the decompressed IDX bytes, lowercase hex: the same for a .gz and its raw form.</param>
/// <param name="Compressed">True when the file was gzip (told by its first bytes, not its name).</param>
public sealed record SourceFile(string Path, string Sha256, string ContentSha256, bool Compressed);
