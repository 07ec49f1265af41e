using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

/// <summary>The 1998 connection table holds through training with every optimizer, weight decay included.</summary>
[TestClass]
public sealed class C3TableTrainingTests
{
    public static IEnumerable<object[]> Optimizers =>
    [
        [new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, WeightDecay = 0.5 }],
        [new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.02, Momentum = 0.9, Dampening = 0.1, WeightDecay = 0.5 }],
        [new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.02, Momentum = 0.9, Nesterov = true, WeightDecay = 0.5 }],
        [new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.01, WeightDecay = 0.5 }],
        [new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.5 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Optimizers))]
    public void OriginalC3_OutsideTheTableStaysExactlyZero(OptimizerOptions optimizer)
    {
        const int batch = 16;
        using var stepper = new ArtifactStepper(TrainingArtifacts.Create(LeNetVariants.Original, optimizer, seed: 2));
        float[] before = (float[])stepper["c3.weight"].Clone();
        for (int step = 0; step < 30; step++)
        {
            long[] labels = Enumerable.Range(0, batch).Select(i => (long)((i + step) % 10)).ToArray();
            stepper.TrainStep(OrtRunner.RandomImages(batch, seed: step), labels, (float)optimizer.LearningRate);
        }

        float[] after = stepper["c3.weight"];
        int moved = 0;
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                for (int k = 0; k < 25; k++)
                {
                    int at = (((o * 6) + i) * 25) + k;
                    if (C3ConnectionTable.IsConnected(C3Connections.Lecun1998, o, i))
                    {
                        moved += after[at] != before[at] ? 1 : 0;
                    }
                    else
                    {
                        Assert.AreEqual(0, BitConverter.SingleToInt32Bits(after[at]), $"C3 map {o}, S2 map {i}, tap {k} must stay exactly +0.0");
                    }
                }
            }
        }

        Assert.AreEqual(1_500, moved, "every weight inside the table should have been trained");
    }
}
