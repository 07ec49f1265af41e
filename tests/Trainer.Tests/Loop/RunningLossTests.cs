using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Trainer.Tests.Loop;

[TestClass]
public sealed class RunningLossTests
{
    [TestMethod]
    public void RunningLoss_PrintsTheMeanOfEachIntervalAsTheTutorialDoes()
    {
        var running = new RunningLoss(2);
        Assert.IsNull(running.Add(Step(1, 1, 2.0f)));
        Assert.AreEqual("[1,     2] loss: 1.500", running.Add(Step(1, 2, 1.0f)));
        Assert.IsNull(running.Add(Step(1, 3, 0.5f)));

        // A new epoch starts a new sum: the partial interval of the last epoch is not carried over.
        Assert.IsNull(running.Add(Step(2, 1, 0.25f)));
        Assert.AreEqual("[2,     2] loss: 0.375", running.Add(Step(2, 2, 0.5f)));
    }

    [TestMethod]
    public void RunningLoss_RefusesAnEmptyInterval() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RunningLoss(0));

    private static StepRecord Step(int epoch, int batch, float loss) => new(batch, epoch, batch, 64, loss, 0, 0.001f);
}
