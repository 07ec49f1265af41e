namespace LeNetOnnx.Builder.Training;

/// <summary>The optimizers the Builder emits as graphs, with <c>torch.optim</c> semantics.</summary>
public enum OptimizerKind
{
    /// <summary><c>torch.optim.SGD</c>: momentum, dampening, Nesterov, L2 weight decay.</summary>
    Sgd,

    /// <summary><c>torch.optim.Adam</c>: bias-corrected moments, L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary><c>torch.optim.AdamW</c>: Adam with decoupled weight decay.</summary>
    AdamW,
}
