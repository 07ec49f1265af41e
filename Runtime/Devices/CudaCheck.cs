using System.Diagnostics;
using System.Runtime.InteropServices;
using LeNetOnnx.Runtime.Wire;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>Why CUDA cannot be used, as <see cref="CudaCheck.Run"/> found it.</summary>
/// <param name="Reason">The cause: the missing library as the dynamic loader names it, or ONNX Runtime's message.</param>
/// <param name="ProviderInBuild">Whether the loaded ONNX Runtime has the CUDA provider at all.</param>
internal readonly record struct CudaFailure(string Reason, bool ProviderInBuild);

/// <summary>
/// Checks, in the order they fail in practice, whether the CUDA provider can run here: the loaded
/// ONNX Runtime has it; its library and the CUDA libraries it links to load (the dynamic loader
/// names the first one missing, which ONNX Runtime's own exception does not); cuDNN, which it
/// loads later, is there; and a session on a one-node model starts (a GPU, a driver new enough).
/// Loading the libraries first also keeps ONNX Runtime from logging its load failure to stderr.
/// </summary>
internal static class CudaCheck
{
    public static CudaFailure? Run()
    {
        string[] providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(ExecutionDevices.CudaProvider, StringComparer.Ordinal))
        {
            return new CudaFailure($"the loaded ONNX Runtime has no CUDA provider (it has {string.Join(", ", providers)})", ProviderInBuild: false);
        }

        if (ProviderLibraryPath() is { } provider && LoadError(provider) is { } providerError)
        {
            return new CudaFailure(providerError, ProviderInBuild: true);
        }

        if (LoadError(CudnnLibrary) is { } cudnnError)
        {
            return new CudaFailure($"cuDNN 9 cannot be loaded: {cudnnError}", ProviderInBuild: true);
        }

        return SessionError() is { } sessionError ? new CudaFailure(sessionError, ProviderInBuild: true) : null;
    }

    /// <summary>
    /// The dynamic loader's own line from a .NET load failure (on Linux the message ends with
    /// dlerror's text, e.g. <c>libcublasLt.so.13: cannot open shared object file: No such file or
    /// directory</c>); the whole message as one line when it has no such line.
    /// </summary>
    internal static string LoaderReason(string message)
    {
        string[] lines = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? loader = lines.LastOrDefault(l => l.Contains("cannot open shared object file", StringComparison.Ordinal)
            || l.Contains("version `", StringComparison.Ordinal)
            || l.Contains("undefined symbol", StringComparison.Ordinal));
        return (loader ?? string.Join(' ', lines)).TrimEnd('.');
    }

    /// <summary>ONNX Runtime's message as one line, without its error-code prefix.</summary>
    internal static string SessionReason(string message)
    {
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        int code = line.StartsWith("[ErrorCode:", StringComparison.Ordinal) ? line.IndexOf(']', StringComparison.Ordinal) : -1;
        return $"CUDA could not start: {(code >= 0 ? line[(code + 1)..].Trim() : line).TrimEnd('.')}";
    }

    private static string CudnnLibrary => OperatingSystem.IsWindows() ? "cudnn64_9.dll" : "libcudnn.so.9";

    private static string ProviderLibraryName => OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";

    // ONNX Runtime loads its providers from the folder its own library was loaded from.
    private static string? ProviderLibraryPath()
    {
        string runtimeLibrary = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            using (module)
            {
                if (string.Equals(Path.GetFileName(module.FileName), runtimeLibrary, StringComparison.Ordinal)
                    && Path.GetDirectoryName(module.FileName) is { } folder
                    && Path.Join(folder, ProviderLibraryName) is var provider
                    && File.Exists(provider))
                {
                    return provider;
                }
            }
        }

        return null;
    }

    // Null when the library loads; it stays loaded, as ONNX Runtime loads it next anyway.
    private static string? LoadError(string library)
    {
        try
        {
            NativeLibrary.Load(library);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return LoaderReason(e.Message);
        }
    }

    private static string? SessionError()
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            ExecutionDevices.AddProvider(options, ExecutionDevice.Cuda);
            using var session = new InferenceSession(IdentityModel(), options);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return SessionReason(e.Message);
        }
    }

    /// <summary>A model of one Identity node on a float [1]: the least a session can start with.</summary>
    internal static byte[] IdentityModel()
    {
        var node = new ProtoWireWriter();
        node.WriteStringField(OnnxFields.Node.Input, "x");
        node.WriteStringField(OnnxFields.Node.Output, "y");
        node.WriteStringField(OnnxFields.Node.OpType, "Identity");

        var graph = new ProtoWireWriter();
        graph.WriteMessage(OnnxFields.Graph.Node, node);
        graph.WriteStringField(OnnxFields.Graph.Name, "cuda_check");
        graph.WriteMessage(OnnxFields.Graph.Input, FloatVector("x"));
        graph.WriteMessage(OnnxFields.Graph.Output, FloatVector("y"));

        var opset = new ProtoWireWriter();
        opset.WriteVarintField(OnnxFields.OperatorSetId.Version, 13);

        var model = new ProtoWireWriter();
        model.WriteVarintField(OnnxFields.Model.IrVersion, 7);
        model.WriteMessage(OnnxFields.Model.Graph, graph);
        model.WriteMessage(OnnxFields.Model.OpsetImport, opset);
        return model.WrittenSpan.ToArray();
    }

    private static ProtoWireWriter FloatVector(string name)
    {
        var dim = new ProtoWireWriter();
        dim.WriteVarintField(OnnxFields.TypeProto.DimValue, 1);
        var shape = new ProtoWireWriter();
        shape.WriteMessage(OnnxFields.TypeProto.ShapeDim, dim);
        var tensor = new ProtoWireWriter();
        tensor.WriteVarintField(OnnxFields.TypeProto.TensorElemType, OnnxFields.Tensor.DataTypeFloat);
        tensor.WriteMessage(OnnxFields.TypeProto.TensorShape, shape);
        var type = new ProtoWireWriter();
        type.WriteMessage(OnnxFields.TypeProto.TensorType, tensor);
        var value = new ProtoWireWriter();
        value.WriteStringField(OnnxFields.ValueInfo.Name, name);
        value.WriteMessage(OnnxFields.ValueInfo.Type, type);
        return value;
    }
}
