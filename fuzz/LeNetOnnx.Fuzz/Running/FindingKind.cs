namespace LeNetOnnx.Fuzz.Running;

/// <summary>What went wrong with an input.</summary>
public enum FindingKind
{
    /// <summary>The target threw an exception it does not document.</summary>
    Crash,

    /// <summary>The input ran longer than <see cref="FuzzOptions.InputTimeout"/>.</summary>
    Hang,

    /// <summary>An earlier run's process died on this input (native code, stack overflow, out of memory).</summary>
    ProcessDied,
}
