using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Builder.Tests.Training;

/// <summary>The artifacts run in ONNX Runtime C# and training lowers the loss (no Python needed).</summary>
[TestClass]
public sealed class TrainingModelSmokeTests
{
    [TestMethod]
    [DataRow("classic")]
    [DataRow("relu-max")]
    [DataRow("tanh-max")]
    [DataRow("sigmoid-max")]
    [DataRow("original")]
    [DataRow("modern")]
    public void TrainingArtifacts_ThirtyStepsOnOneBatchLowerTheLoss(string variant)
    {
        // The 1998 net's scaled tanh has more gain and wants a smaller step.
        float lr = variant == "original" ? 0.001f : 0.01f;
        var optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = lr };
        using var stepper = new ArtifactStepper(TrainingArtifacts.Create(LeNetVariants.Get(variant), optimizer, seed: 1));
        float[] images = OrtRunner.RandomImages(16, seed: 3);
        long[] labels = Enumerable.Range(0, 16).Select(i => (long)(i % 10)).ToArray();
        float first = stepper.TrainStep(images, labels, lr);
        float last = first;
        for (int i = 0; i < 29; i++)
        {
            last = stepper.TrainStep(images, labels, lr);
        }

        Assert.IsTrue(float.IsFinite(first) && first > 0, $"first loss {first}");
        Assert.IsLessThan(first * 0.95f, last, $"{variant}: loss went from {first} to {last}");
    }
}
