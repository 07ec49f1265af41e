namespace LeNetOnnx.Trainer.Data;

/// <summary>A file that was downloaded, verified against its published checksum and written.</summary>
/// <param name="File">Which file of the data set.</param>
/// <param name="Path">Where it was written.</param>
/// <param name="Mirror">The URL that served it.</param>
/// <param name="Bytes">Its size.</param>
public sealed record DownloadedFile(DataSetFile File, string Path, Uri Mirror, long Bytes);
