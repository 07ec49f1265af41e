using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>The models a <see cref="TrainingEngine"/> runs, as ONNX bytes.</summary>
/// <param name="Training">The training model.</param>
/// <param name="Optimizer">The optimizer model.</param>
/// <param name="EvaluationAt">
/// The eval model frozen at the given parameter values (see <see cref="TrainingArtifacts.FrozenEvalModel"/>),
/// made whenever the engine evaluates parameters it has not evaluated yet.
/// </param>
public sealed record TrainingModelSet(byte[] Training, byte[] Optimizer, Func<IReadOnlyDictionary<string, float[]>, byte[]> EvaluationAt)
{
    /// <summary>The models of freshly built artifacts.</summary>
    public static TrainingModelSet From(TrainingArtifacts artifacts) => new(artifacts.TrainingModel, artifacts.OptimizerModel, artifacts.FrozenEvalModel);
}
