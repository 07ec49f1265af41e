namespace LeNetOnnx.Trainer.Engine;

/// <summary>The execution device asked for is not available in the loaded ONNX Runtime.</summary>
public sealed class ExecutionDeviceException : Exception
{
    /// <summary>Creates the exception with a message that says what to do.</summary>
    public ExecutionDeviceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ExecutionDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public ExecutionDeviceException()
    {
    }
}
