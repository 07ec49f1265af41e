namespace LeNetOnnx.Runtime;

/// <summary>Where ONNX Runtime runs a model: resolved by <see cref="ExecutionDevices.Resolve"/>.</summary>
public enum ExecutionDevice
{
    /// <summary>
    /// CUDA when it can be used here (the loaded ONNX Runtime has the CUDA provider and its
    /// libraries, a GPU and a recent enough driver are present), else the CPU, with the reason.
    /// </summary>
    Auto,

    /// <summary>The CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; <see cref="CudaUnavailableException"/> when it cannot be used here.</summary>
    Cuda,
}
