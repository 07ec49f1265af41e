namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// The user's say in where a data set lives: the <c>--data</c> option, the <c>LENET_DATA</c>
/// environment variable and the current directory (for <c>./data</c>). Passed in rather than read
/// from the process inside the library, so tests and hosts decide.
/// </summary>
/// <example>
/// <code>
/// DataDirectorySearch search = DataDirectorySearch.FromProcess(dataOption: parsed.Data);
/// </code>
/// </example>
public sealed record DataDirectorySearch
{
    /// <summary>The environment variable naming a data directory.</summary>
    public const string EnvironmentVariable = "LENET_DATA";

    /// <summary>The <c>--data</c> value, or null when not given. Relative paths resolve against <see cref="CurrentDirectory"/>.</summary>
    public string? DataOption { get; init; }

    /// <summary>The value of <c>LENET_DATA</c>, or null when unset. Relative paths resolve against <see cref="CurrentDirectory"/>.</summary>
    public string? EnvironmentValue { get; init; }

    /// <summary>The directory <c>./data</c> and relative paths are taken from.</summary>
    public required string CurrentDirectory { get; init => field = System.IO.Path.GetFullPath(value ?? throw new ArgumentNullException(nameof(value))); }

    /// <summary>The search this process's command line implies: <paramref name="dataOption"/>, <c>LENET_DATA</c> and the current directory.</summary>
    public static DataDirectorySearch FromProcess(string? dataOption) => new()
    {
        DataOption = dataOption,
        EnvironmentValue = Environment.GetEnvironmentVariable(EnvironmentVariable),
        CurrentDirectory = Environment.CurrentDirectory,
    };
}
