namespace LeNetOnnx.Trainer.Engine;

/// <summary>Where ONNX Runtime runs the training graphs.</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when the loaded ONNX Runtime has its provider, else CPU.</summary>
    Auto,

    /// <summary>The CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; an error when the loaded ONNX Runtime lacks it.</summary>
    Cuda,
}
