namespace LeNetOnnx.Tests;

/// <summary>Finds the repository root (the folder holding LeNetOnnx.sln) from the test binaries.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LeNetOnnx.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LeNetOnnx.sln not found above {AppContext.BaseDirectory}.");
    });

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);
}
