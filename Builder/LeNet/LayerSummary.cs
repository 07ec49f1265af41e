namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// One row of <c>lenet summary</c>. Connections follow the 1998 paper: for every output unit,
/// its incoming links, counting the bias as one (for convolutions and linear layers these are
/// the multiply-adds).
/// </summary>
/// <param name="Layer">The paper's layer name (C1, S2, …) or "input".</param>
/// <param name="Operation">What the layer computes, in ONNX terms.</param>
/// <param name="OutputShape">The per-image output shape, e.g. <c>6x28x28</c>.</param>
/// <param name="Parameters">Trainable parameters (C3: only those inside the connection table).</param>
/// <param name="Connections">Links into the layer's outputs.</param>
public sealed record LayerSummary(string Layer, string Operation, string OutputShape, long Parameters, long Connections);
