namespace LeNetOnnx.Trainer.Engine;

/// <summary>What one training or evaluation batch reported.</summary>
/// <param name="Loss">Mean loss of the batch.</param>
/// <param name="Correct">Right answers in the batch.</param>
/// <param name="Count">Examples in the batch.</param>
public readonly record struct StepResult(float Loss, long Correct, int Count);
