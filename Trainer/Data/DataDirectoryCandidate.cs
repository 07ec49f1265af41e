namespace LeNetOnnx.Trainer.Data;

/// <summary>A directory that may hold a data set, and why it is searched.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Source">Where the path came from.</param>
public sealed record DataDirectoryCandidate(string Path, DataDirectorySource Source)
{
    /// <summary>"/path (from --data)".</summary>
    public override string ToString() => $"{Path} ({Describe(Source)})";

    private static string Describe(DataDirectorySource source) => source switch
    {
        DataDirectorySource.DataOption => "from --data",
        DataDirectorySource.EnvironmentVariable => $"from {DataDirectorySearch.EnvironmentVariable}",
        DataDirectorySource.CurrentDirectory => "./data",
        _ => "system package",
    };
}
