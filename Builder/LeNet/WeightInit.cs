namespace LeNetOnnx.Builder.LeNet;

/// <summary>How a LeNet-5's weights start; biases start at zero either way.</summary>
public enum WeightInit
{
    /// <summary>
    /// Glorot and Bengio's uniform, U(±√(6/(fan_in + fan_out))), the kernel area counted in both
    /// fans: PyTorch's <c>xavier_uniform_</c>, Keras' <c>glorot_uniform</c> and MXNet's
    /// <c>init.Xavier()</c> (magnitude 3, fans averaged) all draw from this range.
    /// </summary>
    XavierUniform,

    /// <summary>
    /// LeCun et al. 1998, appendix C: U(±2.4/F), F the number of inputs of the unit (for C3, the
    /// maps its table connects times the kernel area). Subsampling coefficients keep their start.
    /// </summary>
    Lecun1998,
}
