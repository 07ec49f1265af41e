using LeNetOnnx.Runtime;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Reports;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>What a training run ended with.</summary>
/// <param name="Checkpoint">The last checkpoint written (parameters, state, progress).</param>
/// <param name="Metrics">Every epoch's figures, resumed epochs included.</param>
/// <param name="TestConfusion">The test-set confusion matrix at the final weights; null when no epoch has completed.</param>
/// <param name="TestPredictions">The predicted class of every test image at the final weights; empty when no epoch has completed.</param>
/// <param name="Device">The device the run used.</param>
public sealed record TrainingOutcome(Checkpoint Checkpoint, IReadOnlyList<EpochMetrics> Metrics, ConfusionMatrix? TestConfusion, IReadOnlyList<int> TestPredictions, ExecutionDevice Device)
{
    /// <summary>The trained parameters by name.</summary>
    public IReadOnlyDictionary<string, float[]> Weights =>
        Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter).ToDictionary(t => t.Name, t => t.Data);
}
