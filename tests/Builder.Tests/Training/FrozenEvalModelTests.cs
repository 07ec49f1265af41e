using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Builder.Tests.Training;

/// <summary>The eval model frozen at given weights computes what the eval artifact computes when fed those weights.</summary>
[TestClass]
public sealed class FrozenEvalModelTests
{
    private static readonly OptimizerOptions Sgd = new() { Kind = OptimizerKind.Sgd, LearningRate = 0.1 };

    [TestMethod]
    [DataRow("classic")]
    [DataRow("relu-max")]
    [DataRow("original")]
    [DataRow("modern")]
    public void FrozenEvalModel_GivesTheEvalModelsLossCountAndLogitsAtTheGivenWeights(string variant)
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(variant), Sgd, seed: 1);

        // Weights of another seed: the frozen model must hold these, not the artifacts' own.
        Dictionary<string, float[]> weights = TrainingArtifacts.Create(LeNetVariants.Get(variant), Sgd, seed: 9).Checkpoint.Tensors
            .Where(t => t.Kind == CheckpointTensorKind.Parameter)
            .ToDictionary(t => t.Name, t => t.Data);
        const int batch = 12;
        float[] images = OrtRunner.RandomImages(batch, seed: 5);
        long[] labels = [.. Enumerable.Range(0, batch).Select(i => (long)((i * 7) % 10))];

        (float loss, long correct, float[] logits) = Run(artifacts.EvalModel, images, labels, artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter).Select(t => (t.Name, t.Shape.Select(d => (long)d).ToArray(), weights[t.Name])));
        (float frozenLoss, long frozenCorrect, float[] frozenLogits) = Run(artifacts.FrozenEvalModel(weights), images, labels, []);

        Assert.AreEqual(correct, frozenCorrect);
        Assert.AreEqual(loss, frozenLoss, 1e-5 * Math.Max(1, Math.Abs(loss)));
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.AreEqual(logits[i], frozenLogits[i], 1e-5f * Math.Max(1, Math.Abs(logits[i])), $"logit {i}");
        }

        float[] seeded = Run(artifacts.FrozenEvalModel(artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter).ToDictionary(t => t.Name, t => t.Data)), images, labels, []).Logits;
        Assert.IsFalse(seeded.SequenceEqual(frozenLogits), "other weights must give other logits");
    }

    [TestMethod]
    public void FrozenEvalModel_TakesOnlyImagesAndLabelsAndHoldsEveryParameter()
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, Sgd, seed: 1);
        Dictionary<string, float[]> weights = artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter).ToDictionary(t => t.Name, t => t.Data);
        ModelProto model = ModelProto.Parser.ParseFrom(artifacts.FrozenEvalModel(weights));

        CollectionAssert.AreEqual(new[] { "image", TrainingModels.LabelsInput }, model.Graph.Input.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { TrainingModels.LossOutput, TrainingModels.CorrectOutput, "logits" }, model.Graph.Output.Select(o => o.Name).ToArray());
        CollectionAssert.IsSubsetOf(weights.Keys.ToArray(), model.Graph.Initializer.Select(t => t.Name).ToArray());
    }

    [TestMethod]
    public void FrozenEvalModel_WithAParameterMissing_IsRefusedNamingIt()
    {
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Classic, Sgd, seed: 1);
        Dictionary<string, float[]> weights = artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter && t.Name != "f6.weight").ToDictionary(t => t.Name, t => t.Data);
        ArgumentException e = Assert.Throws<ArgumentException>(() => artifacts.FrozenEvalModel(weights));
        StringAssert.Contains(e.Message, "f6.weight");
    }

    private static (float Loss, long Correct, float[] Logits) Run(byte[] model, float[] images, long[] labels, IEnumerable<(string Name, long[] Shape, float[] Data)> parameters)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var inputs = new List<(string Name, OrtValue Value)>
        {
            ("image", OrtValue.CreateTensorValueFromMemory(images, [labels.Length, 1, 28, 28])),
            (TrainingModels.LabelsInput, OrtValue.CreateTensorValueFromMemory(labels, [labels.Length])),
        };
        inputs.AddRange(parameters.Select(p => (p.Name, OrtValue.CreateTensorValueFromMemory(p.Data, p.Shape))));
        try
        {
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), [TrainingModels.LossOutput, TrainingModels.CorrectOutput, "logits"]);
            return (outputs[0].GetTensorDataAsSpan<float>()[0], outputs[1].GetTensorDataAsSpan<long>()[0], outputs[2].GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            foreach ((_, OrtValue value) in inputs)
            {
                value.Dispose();
            }
        }
    }
}
