namespace LeNetOnnx.Fuzz;

/// <summary>
/// One parser under fuzzing. The contract: <see cref="Run"/> feeds it one input; it may succeed
/// or throw one of its documented failures (<see cref="IsDocumentedFailure"/>); any other
/// exception, a hang or a dead process is a finding.
/// </summary>
public interface IFuzzTarget : IDisposable
{
    /// <summary>The name used on the command line and in crash file names, e.g. <c>checkpoint</c>.</summary>
    string Name { get; }

    /// <summary>Real, valid inputs the mutator starts from.</summary>
    IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Feeds one input to the parser, and uses what it returns as a caller would.</summary>
    void Run(byte[] input);

    /// <summary>Whether <paramref name="exception"/> is how the target documents rejecting bad input.</summary>
    bool IsDocumentedFailure(Exception exception);
}
