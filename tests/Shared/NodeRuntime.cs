using System.Diagnostics;

namespace LeNetOnnx.Tests;

/// <summary>
/// Runs <c>tools/node/run_model.mjs</c> (onnxruntime-node), the second, independent runtime.
/// Where node or the package is missing the calling test is inconclusive locally, but fails
/// under CI, which installs them.
/// </summary>
internal static class NodeRuntime
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static (int ExitCode, string Output, string Error) Run(string manifest) => RunTool("run_model.mjs", manifest);

    /// <summary>Runs a script of tools/node with node, in the repository root.</summary>
    public static (int ExitCode, string Output, string Error) RunTool(string script, params string[] arguments)
    {
        if (Missing.Value is { } why)
        {
            string message = $"onnxruntime-node is not available: {why}. Run tools/install-prerequisites.sh.";
            Prerequisite.Missing(message);
        }

        return ChildProcess.Run("node", [RepositoryRoot.Combine("tools", "node", script), .. arguments], RepositoryRoot.Path, TimeSpan.FromMinutes(5));
    }

    private static string? FindMissing()
    {
        if (!Directory.Exists(RepositoryRoot.Combine("tools", "node", "node_modules", "onnxruntime-node")))
        {
            return "tools/node/node_modules/onnxruntime-node is not installed";
        }

        try
        {
            using Process? process = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false });
            process!.WaitForExit();
            return process.ExitCode == 0 ? null : "node --version failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not on PATH";
        }
    }
}
