using System.Diagnostics;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Loop;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Cli.Benchmarks;

/// <summary>One epoch of a timed training run: wall time of the whole epoch and where it ended.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Seconds">Wall time from the previous epoch's end (for the first epoch: from the end of its first step, so session start-up is left out) to this one's end: shuffling, batching, steps, test evaluation, checkpoint.</param>
/// <param name="TestAccuracy">Test accuracy after the epoch.</param>
internal sealed record EpochTiming(int Epoch, double Seconds, double TestAccuracy);

/// <summary>
/// Whole epochs of a recipe through <see cref="TrainingRun"/> exactly as <c>lenet train</c> runs
/// them, timed per epoch from the outside. The run directory is temporary.
/// </summary>
internal sealed class TrainingBenchmark(TrainingRecipe recipe, DataSetSplits data, int threads, int replicas)
{
    /// <summary>Trains and returns every epoch's timing; also reports the replica count used.</summary>
    public (IReadOnlyList<EpochTiming> Epochs, int Replicas) Run(CancellationToken cancellation)
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
            run.StepCompleted += (step, _, _) =>
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
            return (epochs, run.Replicas);
        }
        finally
        {
            Directory.Delete(runDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Examples per second of the recipe's training sessions alone (<see cref="TrainingEngine.MeasureKernelThroughput"/>)
    /// on its first batch, with the replicas and threads a run uses: the most whole epochs could reach.
    /// </summary>
    public double KernelThroughput(TimeSpan duration)
    {
        var options = new TrainingRunOptions { RunDirectory = string.Empty, Device = ExecutionDevice.Cpu, Threads = threads, Replicas = replicas };
        int used = options.ReplicasFor(ExecutionDevice.Cpu);
        TrainingArtifacts artifacts = TrainingArtifacts.Create(recipe.Variant, recipe.Optimizer, recipe.Seed, labelSmoothing: recipe.LabelSmoothing);
        using SessionOptions sessionOptions = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, options.ThreadsPerReplica(used), allowTf32: false);
        var buffer = new BatchBuffer(recipe.BatchSize, data.Train.PixelsPerImage);
        new Batcher(data.Train, recipe.BatchSize).Fill(ShuffleOrder.ForEpoch(data.Train.Count, recipe.Seed, 0), 0, 0, buffer);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, sessionOptions, used);
        engine.MeasureKernelThroughput(TimeSpan.FromSeconds(0.5));
        return engine.MeasureKernelThroughput(duration);
    }
}
