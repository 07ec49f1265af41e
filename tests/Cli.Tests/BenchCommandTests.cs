using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Cli.Benchmarks;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

/// <summary>
/// <c>lenet bench</c> runs and reports its figures (their values are not asserted: a benchmark
/// measures, a test does not time), except the ones that are exact: FLOP counts and allocation.
/// </summary>
[TestClass]
public sealed class BenchCommandTests
{
    [TestMethod]
    public void NetworkCost_OfTheClassicNet_IsTheKnownFlopCount()
    {
        NetworkCost cost = NetworkCost.Of(LeNet5.Build(LeNetVariants.Classic, seed: 1));

        // Forward: 2 x (C1 117,600 + C3 240,000 + F5 48,000 + F6 10,080 + out 840) multiply-adds.
        Assert.AreEqual(833_040L, cost.ForwardFlop);

        // Training: forward + weight gradients (as much again) + input gradients of all but C1.
        Assert.AreEqual(2_263_920L, cost.TrainingFlop);
    }

    [TestMethod]
    public void FixedWorkLatency_TimesCallsOfTheWorkWithoutAllocating()
    {
        LatencyResult result = FixedWorkLatency.Measure(20, TimeSpan.FromMilliseconds(50));

        Assert.IsGreaterThan(0, result.Calls);
        Assert.IsGreaterThan(0.0, result.P50Microseconds);
        Assert.IsLessThanOrEqualTo(result.P99Microseconds, result.P50Microseconds);
        Assert.AreEqual(0.0, result.AllocatedBytesPerCall);
    }

    [TestMethod]
    public void FixedWorkLatency_LongerWorkTakesMoreSteps()
    {
        Assert.IsGreaterThan(FixedWorkLatency.StepsFor(10), FixedWorkLatency.StepsFor(1_000));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FixedWorkLatency.Measure(0, TimeSpan.FromSeconds(1)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FixedWorkLatency.Measure(10, TimeSpan.Zero));
    }

    [TestMethod]
    public void Bench_Inference_ReportsEveryFigureAsJsonAndAllocatesNothingPerCall()
    {
        RealFashionMnist.Require();
        using var temporary = new TemporaryDirectory();
        string model = temporary.File("classic.onnx");
        File.WriteAllBytes(model, LeNet5.Build(LeNetVariants.Classic, seed: 1).ToOnnxBytes());

        CliRun run = CliRun.Of("bench", "--part", "inference", "--model", model, "--seconds", "0.2", "--callers", "8", "--json");

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement root = json.RootElement;
        foreach (string key in new[] { "inference_images_per_second", "single_p50_us", "single_p99_us", "concurrent_requests_per_second", "concurrent_p99_us" })
        {
            Assert.IsGreaterThan(0.0, root.GetProperty(key).GetDouble(), key);
        }

        Assert.IsLessThanOrEqualTo(root.GetProperty("single_p99_us").GetDouble(), root.GetProperty("single_p50_us").GetDouble());
        if (Environment.ProcessorCount > 1)
        {
            // One image is also measured with the library's default single intra-op thread.
            Assert.IsGreaterThan(0.0, root.GetProperty("single_one_thread_p50_us").GetDouble());
            Assert.IsLessThanOrEqualTo(root.GetProperty("single_one_thread_p99_us").GetDouble(), root.GetProperty("single_one_thread_p50_us").GetDouble());
        }

        // The host's floor under those tails: a fixed computation as long as one image on one thread.
        Assert.IsGreaterThan(0.0, root.GetProperty("fixed_work_p50_us").GetDouble());
        Assert.IsLessThanOrEqualTo(root.GetProperty("fixed_work_p99_us").GetDouble(), root.GetProperty("fixed_work_p50_us").GetDouble());

        Assert.AreEqual(0.0, root.GetProperty("single_allocated_bytes").GetDouble(), "the single-image hot path allocates nothing");
        Assert.IsTrue(root.TryGetProperty("machine", out JsonElement machine) && machine.GetProperty("cores").GetInt32() > 0);
    }

    [TestMethod]
    public void Bench_Training_ReportsTheEpochAndTheTrainingSessionsAlone()
    {
        RealFashionMnist.Require();

        CliRun run = CliRun.Of("bench", "--part", "train", "--epochs", "1", "--seconds", "0.2", "--json");

        Assert.AreEqual(0, run.ExitCode, run.Error);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement root = json.RootElement;
        foreach (string key in new[] { "train_epoch_seconds", "train_images_per_second", "train_kernel_images_per_second", "train_kernel_epoch_seconds" })
        {
            Assert.IsGreaterThan(0.0, root.GetProperty(key).GetDouble(), key);
        }

        // The epoch the sessions alone would take is the training set at their rate.
        Assert.AreEqual(60_000, root.GetProperty("train_kernel_epoch_seconds").GetDouble() * root.GetProperty("train_kernel_images_per_second").GetDouble(), 1e-6 * 60_000);
        Assert.AreEqual(1, root.GetProperty("train_epochs").GetArrayLength());
    }

    [TestMethod]
    public void Bench_BadOptionsAndMissingModelAreUsageErrors()
    {
        CliRun.Of("bench", "--epochs", "0").AssertUsageError("--epochs 0 is out of range");
        CliRun.Of("bench", "--seconds", "1e9").AssertUsageError("--seconds 1e9 is out of range");
        CliRun.Of("bench", "--part", "everything").AssertUsageError("everything");
        RealFashionMnist.Require();
        CliRun.Of("bench", "--part", "inference", "--model", "/nonexistent/m.onnx", "--seconds", "0.1").AssertUsageError("does not exist");
    }
}
