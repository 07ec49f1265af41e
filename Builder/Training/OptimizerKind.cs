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

    /// <summary>
    /// Keras' <c>Adam</c>: the bias corrections folded into the step size,
    /// α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), and ε added to √v (not to √v̂ as in torch): θ −= α·m/(√v + ε).
    /// Keras' default ε is 1e-7. Weight decay, when set, is decoupled as Keras applies it.
    /// </summary>
    KerasAdam,
}
