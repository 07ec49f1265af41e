namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>One row of the bad-input matrix: a command, a kind of bad input, and what must happen.</summary>
/// <param name="Command">The <c>lenet</c> command the row exercises.</param>
/// <param name="Input">What is bad, in a few words; with the command, the row's display name.</param>
public abstract record BadInputCase(string Command, string Input)
{
    /// <summary>Prepares the scene, runs the row and asserts its outcome.</summary>
    internal abstract Task CheckAsync(BadInputScene scene);

    public sealed override string ToString() => $"{Command}: {Input}";
}
