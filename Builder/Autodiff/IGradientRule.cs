using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff;

/// <summary>
/// The gradient of one operator, written with standard <c>ai.onnx</c> ops only. A rule reads the
/// gradient of the node's outputs from the context and adds the gradient of every input that
/// needs one.
/// </summary>
public interface IGradientRule
{
    /// <summary>The operator this rule differentiates.</summary>
    string OpType { get; }

    /// <summary>Emits the backward nodes of <paramref name="node"/>.</summary>
    void Backward(GradientContext context, Node node);
}
