namespace LeNetOnnx.Trainer.Data;

/// <summary>What a <see cref="DataSetProgress"/> report is about.</summary>
public enum DataSetProgressKind
{
    /// <summary>The data set was found in a directory; nothing is downloaded.</summary>
    Found,

    /// <summary>A candidate directory could not be written and is passed over for downloading.</summary>
    DirectorySkipped,

    /// <summary>A download from a mirror starts.</summary>
    DownloadStarted,

    /// <summary>Bytes arrived (reported about every mebibyte and at the end).</summary>
    Receiving,

    /// <summary>A mirror failed for this file; the next one is tried.</summary>
    MirrorFailed,

    /// <summary>A file was downloaded, verified and written; <see cref="DataSetProgress.Mirror"/> served it.</summary>
    Downloaded,
}
