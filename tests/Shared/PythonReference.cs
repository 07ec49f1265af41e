using System.Diagnostics;

namespace LeNetOnnx.Tests;

/// <summary>
/// Runs the independent Python tools under <c>tools/</c> with Debian's <c>/usr/bin/python3</c>
/// (where python3-torch and python3-onnx install). Where they are missing the calling test is
/// inconclusive locally, but fails under CI, which installs them.
/// </summary>
internal static class PythonReference
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static void RequireAvailable()
    {
        if (Missing.Value is { } why)
        {
            string message = $"The PyTorch/ONNX reference is not available: {why}. Install it with 'apt-get install python3-torch python3-onnx'.";
            Prerequisite.Missing(message);
        }
    }

    public static (int ExitCode, string Output, string Error) Run(string script, params string[] arguments)
    {
        RequireAvailable();
        return ChildProcess.Run(Interpreter, [RepositoryRoot.Combine("tools", script), .. arguments], RepositoryRoot.Path, TimeSpan.FromMinutes(5));
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }

        var start = new ProcessStartInfo(Interpreter, ["-c", "import torch, onnx"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Trim().Split('\n').LastOrDefault() ?? "import failed";
    }
}
