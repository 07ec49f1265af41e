namespace LeNetOnnx.Builder.Ir;

/// <summary>Where a value comes from.</summary>
public enum ValueKind
{
    /// <summary>Fed by the caller at run time.</summary>
    GraphInput,

    /// <summary>A trainable parameter: an initializer in inference models, an input in training models.</summary>
    Parameter,

    /// <summary>A fixed tensor stored in the model (constants, masks, shapes).</summary>
    Constant,

    /// <summary>Computed by a node.</summary>
    Intermediate,
}
