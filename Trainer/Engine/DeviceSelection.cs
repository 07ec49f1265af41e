using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>
/// Resolves <see cref="ExecutionDevice.Auto"/> against the execution providers the loaded ONNX
/// Runtime reports, and configures session options for the chosen device.
/// </summary>
public static class DeviceSelection
{
    /// <summary>The MSBuild switch that swaps in the GPU build of ONNX Runtime.</summary>
    public const string GpuBuildSwitch = "-p:OnnxRuntimeFlavor=Gpu";

    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>True when the loaded ONNX Runtime has the CUDA execution provider.</summary>
    public static bool CudaAvailable => OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider, StringComparer.Ordinal);

    /// <summary>The device a request resolves to.</summary>
    /// <exception cref="ExecutionDeviceException">CUDA was asked for and is not available.</exception>
    public static ExecutionDevice Resolve(ExecutionDevice requested) => requested switch
    {
        ExecutionDevice.Auto => CudaAvailable ? ExecutionDevice.Cuda : ExecutionDevice.Cpu,
        ExecutionDevice.Cuda when !CudaAvailable => throw new ExecutionDeviceException(
            $"The CUDA execution provider is not in the loaded ONNX Runtime (it has: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}). "
            + $"Build with '{GpuBuildSwitch}' to use Microsoft.ML.OnnxRuntime.Gpu, on a machine with CUDA, or use --device cpu."),
        _ => requested,
    };

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
        if (device == ExecutionDevice.Cuda)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string> { ["use_tf32"] = allowTf32 ? "1" : "0" });
            options.AppendExecutionProvider_CUDA(cuda);
        }

        return options;
    }
}
