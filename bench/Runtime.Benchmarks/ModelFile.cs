namespace LeNetOnnx.Runtime.Benchmarks;

/// <summary>The committed model the benchmarks load: <c>models/lenet-classic.onnx</c> under the repository root.</summary>
public static class ModelFile
{
    /// <summary>The model's full path, found by walking up from the binaries to the folder holding <c>LeNetOnnx.sln</c>.</summary>
    /// <exception cref="FileNotFoundException">The binaries are not inside the repository.</exception>
    public static string Classic { get; } = Find(Path.Combine("models", "lenet-classic.onnx"));

    private static string Find(string relative)
    {
        // BenchmarkDotNet runs a generated copy of this program a few folders below bin/, still inside the repository.
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeNetOnnx.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new FileNotFoundException($"LeNetOnnx.sln not found above {AppContext.BaseDirectory}; run the benchmarks from inside the repository.", relative);
    }
}
