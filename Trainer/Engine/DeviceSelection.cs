using LeNetOnnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>The session options of the training sessions for a resolved device (<see cref="ExecutionDevices.Resolve"/>).</summary>
public static class DeviceSelection
{
    /// <summary>Session options for <paramref name="device"/> (already resolved).</summary>
    /// <param name="device">Cpu or Cuda.</param>
    /// <param name="intraOpThreads">CPU threads per session (0: ONNX Runtime's default).</param>
    /// <param name="allowTf32">CUDA only: allow TF32 math (faster, less exact; off for parity).</param>
    public static SessionOptions CreateSessionOptions(ExecutionDevice device, int intraOpThreads, bool allowTf32)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            ExecutionDevices.AddProvider(options, device, allowTf32);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
