using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Trainer.Tests.Loop;

[TestClass]
public sealed class DivergenceGuardTests
{
    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void DivergenceGuard_ANonFiniteLossStopsAtOnce(float loss)
    {
        var guard = new DivergenceGuard(10);
        Assert.IsNull(guard.Observe(2.3f));
        StringAssert.Contains(guard.Observe(loss), "the loss became");
    }

    [TestMethod]
    public void DivergenceGuard_ARunningMeanAboveTenTimesChanceStops()
    {
        var guard = new DivergenceGuard(10);
        Assert.AreEqual(10 * Math.Log(10), guard.Limit, 1e-12);
        for (int i = 0; i < DivergenceGuard.Window - 1; i++)
        {
            Assert.IsNull(guard.Observe(90f), "a window not yet full does not decide");
        }

        StringAssert.Contains(guard.Observe(90f), "averaged 90.00 over the last 20 steps");
    }

    [TestMethod]
    public void DivergenceGuard_ASpikeThatRecoversAndAPlateauAtChanceRunOn()
    {
        var guard = new DivergenceGuard(10);
        for (int i = 0; i < 200; i++)
        {
            // One spike of 200 in a run at chance: the mean over 20 steps stays near 12.
            Assert.IsNull(guard.Observe(i == 100 ? 200f : 2.3f), $"step {i}");
        }
    }

    [TestMethod]
    public void DivergenceGuard_TheWindowSlides()
    {
        var guard = new DivergenceGuard(10);
        for (int i = 0; i < 50; i++)
        {
            Assert.IsNull(guard.Observe(2f));
        }

        string? reason = null;
        int steps = 0;
        while (reason is null && steps < 40)
        {
            reason = guard.Observe(60f);
            steps++;
        }

        // The mean passes 23.03 once 9 of the last 20 losses are 60: (9·60 + 11·2)/20 = 28.1; 8 give 25.6; 7 give 22.3.
        Assert.AreEqual(8, steps, reason);
    }
}
