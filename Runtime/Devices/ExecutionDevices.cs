using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Resolves a requested <see cref="ExecutionDevice"/> against what this machine and the loaded
/// ONNX Runtime can do, and adds the chosen device's execution provider to session options.
/// Nothing is cached: every <see cref="Resolve"/> checks again (a few milliseconds without CUDA,
/// about a second with it, for loading the CUDA libraries and starting a context).
/// </summary>
public static class ExecutionDevices
{
    /// <summary>What the CUDA provider of the ONNX Runtime version this library is built against (1.32) needs.</summary>
    public const string CudaRequirement = "CUDA 13.x and cuDNN 9.x";

    /// <summary>The ONNX Runtime version whose CUDA provider <see cref="CudaRequirement"/> describes.</summary>
    public const string OnnxRuntimeVersion = "1.32";

    internal const string CudaProvider = "CUDAExecutionProvider";

    internal static string InstallAdvice =>
        $"ONNX Runtime {OnnxRuntimeVersion}'s CUDA provider needs {CudaRequirement} and an NVIDIA driver for CUDA 13: install them and put their libraries on the library path ({(OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH")}).";

    internal const string PackageAdvice =
        "The loaded ONNX Runtime is the CPU package: reference Microsoft.ML.OnnxRuntime.Gpu instead (LeNetOnnx builds with it given -p:OnnxRuntimeFlavor=Gpu).";

    /// <summary>Resolves <paramref name="requested"/> to the device sessions will use.</summary>
    /// <param name="requested">Auto, Cpu or Cuda.</param>
    /// <returns>
    /// Cpu for Cpu; Cuda for Cuda when it can be used; for Auto, Cuda when it can be used, else Cpu
    /// with <see cref="DeviceChoice.FallbackReason"/> saying why (when the loaded ONNX Runtime has the CUDA provider).
    /// </returns>
    /// <exception cref="CudaUnavailableException"><paramref name="requested"/> is Cuda and CUDA cannot be used here.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not a defined device.</exception>
    public static DeviceChoice Resolve(ExecutionDevice requested)
    {
        switch (requested)
        {
            case ExecutionDevice.Cpu:
                return new DeviceChoice(ExecutionDevice.Cpu, null);
            case ExecutionDevice.Cuda:
                return CudaCheck.Run() is { } failure
                    ? throw new CudaUnavailableException(failure.Reason, failure.ProviderInBuild)
                    : new DeviceChoice(ExecutionDevice.Cuda, null);
            case ExecutionDevice.Auto:
                return CudaCheck.Run() is { } reason
                    ? new DeviceChoice(ExecutionDevice.Cpu, reason.ProviderInBuild ? reason.Reason : null)
                    : new DeviceChoice(ExecutionDevice.Cuda, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "Use Auto, Cpu or Cuda.");
        }
    }

    /// <summary>
    /// Adds the execution provider of <paramref name="device"/> to <paramref name="options"/>: nothing
    /// for the CPU (ONNX Runtime's default), the CUDA provider on device 0 for CUDA.
    /// </summary>
    /// <param name="options">The session options to configure.</param>
    /// <param name="device">A resolved device: Cpu or Cuda.</param>
    /// <param name="allowTf32">CUDA only: allow TF32 math (faster, less exact; off for parity with the CPU).</param>
    /// <exception cref="ArgumentException"><paramref name="device"/> is Auto: resolve it first.</exception>
    public static void AddProvider(SessionOptions options, ExecutionDevice device, bool allowTf32 = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (device == ExecutionDevice.Auto)
        {
            throw new ArgumentException($"Resolve {nameof(ExecutionDevice.Auto)} with {nameof(ExecutionDevices)}.{nameof(Resolve)} before configuring a session.", nameof(device));
        }

        if (device == ExecutionDevice.Cuda)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = "0", ["use_tf32"] = allowTf32 ? "1" : "0" });
            options.AppendExecutionProvider_CUDA(cuda);
        }
    }
}
