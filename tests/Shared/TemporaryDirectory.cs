namespace LeNetOnnx.Tests;

/// <summary>A fresh directory under the system temp folder, removed on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lenet-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Subdirectory(string name) => System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    /// <summary>Every file below the directory, relative, sorted: to show that nothing else (no temporary file) was left.</summary>
    public string[] Files() => System.IO.Directory.GetFiles(Path, "*", SearchOption.AllDirectories)
        .Select(f => System.IO.Path.GetRelativePath(Path, f))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
