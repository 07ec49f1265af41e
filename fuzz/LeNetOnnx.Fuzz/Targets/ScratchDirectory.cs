namespace LeNetOnnx.Fuzz.Targets;

/// <summary>A directory of its own under the temporary folder, for targets that read files; deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string name)
    {
        Path = Directory.CreateTempSubdirectory($"lenet-fuzz-{name}-").FullName;
    }

    public string Path { get; }

    public string Write(string fileName, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
