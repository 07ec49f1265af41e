namespace LeNetOnnx.Cli;

/// <summary>The process exit codes of <c>lenet</c>, documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>A bug in lenet: the message says what failed.</summary>
    public const int InternalError = 1;

    /// <summary>The command line or an input file was wrong; nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>Writing the output failed (disk full, I/O error); nothing half-written was left.</summary>
    public const int OutputFailed = 3;

    /// <summary>Training diverged (a loss not finite or exploding); nothing was exported, the last good checkpoint stays.</summary>
    public const int Diverged = 4;

    /// <summary>Interrupted (Ctrl-C) after writing a checkpoint; 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
