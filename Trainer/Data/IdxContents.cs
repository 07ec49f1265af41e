namespace LeNetOnnx.Trainer.Data;

/// <summary>The validated data of one IDX file: the bytes after the header, the item count, the source.</summary>
internal sealed record IdxContents(byte[] Data, int Count, SourceFile Source);
