namespace LeNetOnnx.Trainer.Data;

/// <summary>Why a directory is searched for a data set, in search order.</summary>
public enum DataDirectorySource
{
    /// <summary>The <c>--data DIR</c> option.</summary>
    DataOption,

    /// <summary>The <c>LENET_DATA</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary><c>./data</c>, relative to the current directory.</summary>
    CurrentDirectory,

    /// <summary>A directory a system package installs the data set into (never written to).</summary>
    SystemDirectory,
}
