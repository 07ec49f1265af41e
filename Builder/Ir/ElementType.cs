namespace LeNetOnnx.Builder.Ir;

/// <summary>The tensor element types the Builder emits; values equal ONNX's <c>TensorProto.DataType</c>.</summary>
public enum ElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer (shapes, axes, labels, indices).</summary>
    Int64 = 7,

    /// <summary>Boolean.</summary>
    Bool = 9,

    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
}
