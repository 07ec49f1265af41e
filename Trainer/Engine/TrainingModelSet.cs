using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>The three artifact models a <see cref="TrainingEngine"/> runs, as ONNX bytes.</summary>
/// <param name="Training">The training model.</param>
/// <param name="Evaluation">The eval model.</param>
/// <param name="Optimizer">The optimizer model.</param>
public sealed record TrainingModelSet(byte[] Training, byte[] Evaluation, byte[] Optimizer)
{
    /// <summary>The models of freshly built artifacts.</summary>
    public static TrainingModelSet From(TrainingArtifacts artifacts) => new(artifacts.TrainingModel, artifacts.EvalModel, artifacts.OptimizerModel);
}
