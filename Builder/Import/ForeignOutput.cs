namespace LeNetOnnx.Builder.Import;

/// <summary>What a foreign model's output holds, and so which of the imported model's outputs it must equal.</summary>
public enum ForeignOutput
{
    /// <summary>Logits: the last dense layer's output.</summary>
    Logits,

    /// <summary>Probabilities: a trailing Softmax.</summary>
    Probabilities,

    /// <summary>Log-probabilities: a trailing LogSoftmax.</summary>
    LogProbabilities,
}
