namespace LeNetOnnx.Runtime;

/// <summary>
/// CUDA was asked for (<see cref="ExecutionDevice.Cuda"/>) and cannot be used here: the loaded
/// ONNX Runtime is the CPU package, or its CUDA provider cannot load (a CUDA or cuDNN library is
/// missing), or CUDA cannot start (no GPU, a driver too old). The message says which and what to
/// install; <see cref="Reason"/> is the cause alone.
/// </summary>
public sealed class CudaUnavailableException : Exception
{
    /// <summary>Creates the exception for a cause found by <see cref="ExecutionDevices.Resolve"/>.</summary>
    /// <param name="reason">Why CUDA cannot be used, e.g. <c>libcublasLt.so.13: cannot open shared object file</c>.</param>
    /// <param name="providerInBuild">Whether the loaded ONNX Runtime has the CUDA provider at all.</param>
    public CudaUnavailableException(string reason, bool providerInBuild)
        : base($"CUDA cannot be used: {reason}. {(providerInBuild ? ExecutionDevices.InstallAdvice : ExecutionDevices.PackageAdvice)}")
    {
        Reason = reason;
        ProviderInBuild = providerInBuild;
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    public CudaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    public CudaUnavailableException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>Creates the exception without a message.</summary>
    public CudaUnavailableException()
    {
        Reason = Message;
    }

    /// <summary>Why CUDA cannot be used, without advice: the missing library, or ONNX Runtime's own message.</summary>
    public string Reason { get; }

    /// <summary>
    /// Whether the loaded ONNX Runtime has the CUDA provider (the GPU package); false for the CPU
    /// package, where installing CUDA would not help.
    /// </summary>
    public bool ProviderInBuild { get; }
}
