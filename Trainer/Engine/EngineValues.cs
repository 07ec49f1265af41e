using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>Native tensors the engine owns: scalars for losses and counts, float tensors for parameters and gradients.</summary>
internal static class EngineValues
{
    public static OrtValue Scalar(TensorElementType type) => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, []);

    public static OrtValue Floats(IEnumerable<long> shape) => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [.. shape]);

    public static OrtValue LikeShapeOf(OrtValue value) => Floats(value.GetTensorTypeAndShape().Shape);
}
