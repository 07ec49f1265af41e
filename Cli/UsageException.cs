namespace LeNetOnnx.Cli;

/// <summary>A mistake the user can fix: the message says what was wrong and what to do.</summary>
internal sealed class UsageException(string message) : Exception(message);
