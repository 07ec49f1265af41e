using LeNetOnnx.Runtime;
using System.CommandLine;
using LeNetOnnx.Builder;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Cli.Commands;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Cli;

/// <summary>
/// The <c>lenet</c> command line. Parse errors and user mistakes become one line on stderr and
/// exit code 2; no stack trace reaches the user.
/// </summary>
internal static class LenetApp
{
    // EROFS: .NET reports a read-only file system as a plain IOException carrying the errno.
    private const int ReadOnlyFileSystem = 30;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        RootCommand root = CreateRoot();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = string.Join(' ', parsed.CommandResult.Command.Name == root.Name ? ["lenet"] : new[] { "lenet", parsed.CommandResult.Command.Name });
            string message = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            error.WriteLine($"{command}: {message} See '{command} --help'.");
            return ExitCodes.BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            (int code, string message) = Describe(e);
            error.WriteLine($"lenet: {(code == ExitCodes.InternalError ? message : OneLine(message))}");
            return code;
        }
    }

    /// <summary>The exit code and the one line a failure earns; only bugs mention their type.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        UsageException or InvalidOptionException or OutputPathException or ModelImportException or CheckpointFormatException or FileNotFoundException or DirectoryNotFoundException
            or DataSetException or DataSetDownloadException or TrainingException
            => (ExitCodes.BadInput, e.Message),
        TrainingDivergedException => (ExitCodes.Diverged, e.Message),
        CudaUnavailableException => (ExitCodes.BadInput, $"--device cuda: {e.Message} Or use --device cpu."),
        UnauthorizedAccessException => (ExitCodes.BadInput, CannotWrite(e.Message)),
        IOException when e.HResult == ReadOnlyFileSystem => (ExitCodes.BadInput, CannotWrite(e.Message) + "; give a writable directory"),
        IOException => (ExitCodes.OutputFailed, $"writing the output failed, nothing was left behind: {e.Message}"),

        // A bug, not a user mistake: one line by default, the stack trace on request.
        _ => (ExitCodes.InternalError, $"internal error: {e.GetType().Name}: {e.Message}"
            + (Environment.GetEnvironmentVariable("LENET_DEBUG") == "1" ? Environment.NewLine + e : " (set LENET_DEBUG=1 for details)")),
    };

    private static string CannotWrite(string message) =>
        message.StartsWith("Cannot write ", StringComparison.Ordinal) ? message : $"cannot write the output: {message}";

    /// <summary>
    /// A message as one line: some messages list their points on lines of their own (a model that
    /// breaks the contract in several ways, an argument's actual value), and a user's failure is
    /// one line on stderr.
    /// </summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.StartsWith("- ", StringComparison.Ordinal) ? l[2..] : l));

    internal static RootCommand CreateRoot() => new("LeNetOnnx: build, train and serve LeNet-5 as ONNX.")
    {
        BuildCommand.Create(),
        SummaryCommand.Create(),
        ArtifactsCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        ProfileCommand.Create(),
        PredictCommand.Create(),
        ServeCommand.Create(),
        BenchCommand.Create(),
        DigitsCommand.Create(),
        ImportCommand.Create(),
    };
}
