using System.Diagnostics;

namespace LeNetOnnx.Cli.Tests.CrashConsistency;

/// <summary>
/// <c>lenet</c> as a real child process (<c>dotnet lenet.dll …</c>, the build beside the tests),
/// so it can be killed with SIGKILL: nothing of it runs after the kill, no finally, no flush.
/// </summary>
internal sealed class LenetProcess : IDisposable
{
    private readonly Process process;
    private readonly Stopwatch clock;
    private readonly List<string> output = [];
    private readonly List<string> error = [];

    private LenetProcess(Process process)
    {
        this.process = process;
        clock = Stopwatch.StartNew();
        process.OutputDataReceived += (_, e) => Add(output, e.Data);
        process.ErrorDataReceived += (_, e) => Add(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Starts <c>lenet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static LenetProcess Start(string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lenet.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new LenetProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>SIGKILL (Process.Kill sends SIGKILL on Unix); nothing when it has already exited.</summary>
    public void Kill()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited first; the caller sees that in the exit code.
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit; true when it did.</summary>
    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    /// <summary>Waits for the exit and the end of both streams; returns the exit code (137 after SIGKILL).</summary>
    public int WaitForExitAndStreams()
    {
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The lines written to stdout so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    /// <summary>The lines written to stderr so far.</summary>
    public IReadOnlyList<string> Error
    {
        get
        {
            lock (error)
            {
                return [.. error];
            }
        }
    }

    public void Dispose()
    {
        Kill();
        process.WaitForExit();
        process.Dispose();
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }
}
