using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.LeNet;

/// <summary>The forward pass of a LeNet-5 inside a graph that callers extend (inference, loss, gradients).</summary>
/// <param name="Graph">The graph holding the forward pass; it has no outputs yet.</param>
/// <param name="Image">The <c>image</c> input.</param>
/// <param name="Logits">The <c>logits</c> value.</param>
/// <param name="Layers">The per-layer summary.</param>
public sealed record LeNetForward(Graph Graph, Value Image, Value Logits, IReadOnlyList<LayerSummary> Layers);
