using LeNetOnnx.Runtime;
using System.Diagnostics;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>One epoch of a timed training run: wall time of the whole epoch and where it ended.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Seconds">Wall time from the previous epoch's end (for the first epoch: from the end of its first step, so session start-up is left out) to this one's end: shuffling, batching, steps, test evaluation, checkpoint.</param>
/// <param name="TestAccuracy">Test accuracy after the epoch.</param>
internal sealed record EpochTiming(int Epoch, double Seconds, double TestAccuracy);

/// <summary>What <see cref="TrainingBenchmark.Run"/> measured.</summary>
/// <param name="Epochs">Every epoch's timing.</param>
/// <param name="Replicas">The replica count the run used.</param>
/// <param name="KernelImagesPerSecond">The same run's training sessions alone (<see cref="TrainingRun.MeasureKernelThroughput"/>): the most whole epochs could reach.</param>
internal sealed record TrainingBenchmarkResult(IReadOnlyList<EpochTiming> Epochs, int Replicas, double KernelImagesPerSecond);

/// <summary>
/// Whole epochs of a recipe through <see cref="TrainingRun"/> exactly as <c>lenet train</c> runs
/// them, timed per epoch from the outside, then the run's training sessions alone. The run
/// directory is temporary.
/// </summary>
internal sealed class TrainingBenchmark(TrainingRecipe recipe, DataSetSplits data, int threads, int replicas)
{
    private static readonly TimeSpan KernelWarmUp = TimeSpan.FromSeconds(0.5);

    /// <summary>Trains, then measures the training sessions alone for <paramref name="kernelDuration"/>.</summary>
    public TrainingBenchmarkResult Run(TimeSpan kernelDuration, CancellationToken cancellation)
    {
        string runDirectory = Directory.CreateTempSubdirectory("lenet-bench-").FullName;
        try
        {
            var run = new TrainingRun(recipe, data, new TrainingRunOptions
            {
                RunDirectory = runDirectory,
                Device = ExecutionDevice.Cpu,
                Threads = threads,
                Replicas = replicas,
            });
            var epochs = new List<EpochTiming>();
            var clock = new Stopwatch();
            long epochStart = 0;

            // The clock starts with the first step (sessions exist by then), not with the set-up.
            run.StepCompleted += (_, _) =>
            {
                if (!clock.IsRunning)
                {
                    clock.Start();
                }
            };
            run.EpochCompleted += m =>
            {
                long now = clock.ElapsedTicks;
                epochs.Add(new EpochTiming(m.Epoch, (double)(now - epochStart) / Stopwatch.Frequency, m.TestAccuracy));
                epochStart = now;
            };
            run.Run(cancellation);
            return new TrainingBenchmarkResult(epochs, run.Replicas, run.MeasureKernelThroughput(KernelWarmUp, kernelDuration));
        }
        finally
        {
            Directory.Delete(runDirectory, recursive: true);
        }
    }
}
