namespace LeNetOnnx.Builder.Serialization;

/// <summary>How trainable parameters are written into a model.</summary>
public enum ParameterPlacement
{
    /// <summary>As initializers with their values: an inference model.</summary>
    Initializers,

    /// <summary>As graph inputs without values: a training model, fed the current weights each step.</summary>
    Inputs,
}
