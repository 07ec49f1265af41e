using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Builder.Tests.Training;

/// <summary>Keras' Adam in the optimizer graph against its update written out in doubles.</summary>
[TestClass]
public sealed class OptimizerKerasAdamTests
{
    [TestMethod]
    public void KerasAdam_FoldsTheBiasCorrectionsIntoTheStepAndAddsEpsilonToTheRawRoot()
    {
        OptimizerOptions keras = OptimizerOptions.Defaults(OptimizerKind.KerasAdam, 0.01);
        Assert.AreEqual(1e-7, keras.Epsilon);
        using var stepper = new ArtifactStepper(TrainingArtifacts.Create(LeNetVariants.TanhMax, keras, seed: 4));
        float[] images = OrtRunner.RandomImages(8, seed: 6);
        long[] labels = [0, 1, 2, 3, 4, 5, 6, 7];
        var m = stepper.ParameterNames.ToDictionary(p => p, p => new double[stepper[p].Length]);
        var v = stepper.ParameterNames.ToDictionary(p => p, p => new double[stepper[p].Length]);
        for (int t = 1; t <= 3; t++)
        {
            (_, _, Dictionary<string, float[]> gradients) = stepper.Gradients(images, labels);
            double alpha = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            var expected = new Dictionary<string, double[]>();
            foreach (string p in stepper.ParameterNames)
            {
                float[] g = gradients[p];
                expected[p] = new double[g.Length];
                for (int i = 0; i < g.Length; i++)
                {
                    m[p][i] = (0.9 * m[p][i]) + (0.1 * g[i]);
                    v[p][i] = (0.999 * v[p][i]) + (0.001 * g[i] * g[i]);
                    expected[p][i] = stepper[p][i] - (alpha * m[p][i] / (Math.Sqrt(v[p][i]) + 1e-7));
                }
            }

            stepper.TrainStep(images, labels, 0.01f);
            foreach (string p in stepper.ParameterNames)
            {
                for (int i = 0; i < expected[p].Length; i++)
                {
                    Assert.AreEqual(expected[p][i], stepper[p][i], 2e-6 + (1e-5 * Math.Abs(expected[p][i])), $"step {t}, {p}[{i}]");
                }
            }
        }
    }

    [TestMethod]
    public void KerasAdam_DiffersFromTorchsAdamWhereEpsilonMatters()
    {
        // A gradient of 1e-6 makes √v about ε: torch's √v̂ + ε and Keras' √v + ε then part ways.
        OptimizerOptions keras = OptimizerOptions.Defaults(OptimizerKind.KerasAdam, 0.001);
        OptimizerOptions torch = OptimizerOptions.Defaults(OptimizerKind.Adam, 0.001) with { Epsilon = 1e-7 };
        Assert.AreEqual("keras-adam", keras.Name);
        Assert.AreEqual(OptimizerKind.KerasAdam, OptimizerOptions.ParseKind("keras-adam"));
        CollectionAssert.AreEqual(new[] { "exp_avg", "exp_avg_sq" }, keras.StateNames.ToArray());
        CollectionAssert.AreNotEqual(TrainingArtifacts.Create(LeNetVariants.TanhMax, keras).OptimizerModel, TrainingArtifacts.Create(LeNetVariants.TanhMax, torch).OptimizerModel);
    }
}
