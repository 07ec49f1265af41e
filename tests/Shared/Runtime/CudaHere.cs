using LeNetOnnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Tests;

/// <summary>
/// What CUDA can do in this test process, so that the device tests assert the right outcome for
/// either build: the CPU package (no CUDA provider), the GPU package on a machine without CUDA
/// (the provider cannot load: the case CI runs), or a machine where CUDA works.
/// </summary>
internal static class CudaHere
{
    /// <summary>Whether the loaded ONNX Runtime is the GPU package (it has the CUDA provider).</summary>
    public static bool ProviderInBuild => OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider", StringComparer.Ordinal);

    /// <summary>Whether CUDA actually runs here.</summary>
    public static bool Usable => ExecutionDevices.Resolve(ExecutionDevice.Auto).Device == ExecutionDevice.Cuda;

    /// <summary>The build under test, for assertion messages and the flavour tests.</summary>
    public static string Flavour => ProviderInBuild ? "Gpu" : "Cpu";
}
