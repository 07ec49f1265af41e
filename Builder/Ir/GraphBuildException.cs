namespace LeNetOnnx.Builder.Ir;

/// <summary>
/// A graph could not be built as asked: a wrong shape, an unknown op, a name clash.
/// Thrown where the offending node is added, so the stack points at the line that made it.
/// </summary>
public sealed class GraphBuildException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong and what was expected.</summary>
    public GraphBuildException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public GraphBuildException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (for serializers and tests).</summary>
    public GraphBuildException()
    {
    }
}
