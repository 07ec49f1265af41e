using System.Diagnostics;

namespace LeNetOnnx.Tests;

/// <summary>Runs a program to its end with both streams captured; a run past its time is killed and fails the test.</summary>
internal static class ChildProcess
{
    /// <param name="program">The program (on PATH or a path).</param>
    /// <param name="arguments">Its arguments, each passed as it is (no shell).</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="removeVariables">Environment variables the child must not inherit.</param>
    public static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, params string[] removeVariables)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in removeVariables)
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalMinutes:0.#} minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
