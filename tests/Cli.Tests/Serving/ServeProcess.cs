using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>
/// A real <c>lenet serve</c> process (the built CLI, run with <c>dotnet exec</c>) on 127.0.0.1 with
/// a free port; both streams are read all the time so the server never blocks on a full pipe.
/// Disposing sends SIGTERM, waits for the exit and kills the process if it does not come.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process) => this.process = process;

    /// <summary>Where the server listens, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url => listening.Task.Result;

    public int Id => process.Id;

    /// <summary>Everything the server wrote so far, stdout then stderr.</summary>
    public string Log
    {
        get
        {
            string stdout;
            string stderr;
            lock (output)
            {
                stdout = output.ToString();
            }

            lock (error)
            {
                stderr = error.ToString();
            }

            return stdout + (stderr.Trim().Length > 0 ? "stderr:" + Environment.NewLine + stderr : "");
        }
    }

    /// <summary>Starts <c>lenet serve --model MODEL --urls http://127.0.0.1:0</c> with more arguments and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string model, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["exec", typeof(LenetApp).Assembly.Location, "serve", "--model", model, "--urls", "http://127.0.0.1:0", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var server = new ServeProcess(new Process { StartInfo = start });
        server.process.OutputDataReceived += (_, e) => server.Received(e.Data);
        server.process.ErrorDataReceived += (_, e) =>
        {
            lock (server.error)
            {
                server.error.AppendLine(e.Data);
            }
        };
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            await server.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, then the exit code once the server has drained and stopped (killed after 30 s).</summary>
    public async Task<int> StopAsync()
    {
        if (!process.HasExited)
        {
            using Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("lenet serve did not stop within 30 s of SIGTERM; killed. Log:" + Environment.NewLine + Log);
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                await StopAsync();
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();

    private void Received(string? line)
    {
        if (line is null)
        {
            listening.TrySetException(new InvalidOperationException("lenet serve ended before listening: " + Log));
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }
}
