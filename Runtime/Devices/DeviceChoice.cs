namespace LeNetOnnx.Runtime;

/// <summary>What <see cref="ExecutionDevices.Resolve"/> chose for a requested device.</summary>
/// <param name="Device"><see cref="ExecutionDevice.Cpu"/> or <see cref="ExecutionDevice.Cuda"/>, never Auto.</param>
/// <param name="FallbackReason">
/// Set when <see cref="ExecutionDevice.Auto"/> fell back to the CPU although the loaded ONNX Runtime
/// has the CUDA provider: why CUDA cannot be used (e.g. the library that is missing). Null when
/// CUDA was chosen, when the CPU was asked for, and with the CPU package (nothing to fall back from).
/// </param>
public sealed record DeviceChoice(ExecutionDevice Device, string? FallbackReason);
