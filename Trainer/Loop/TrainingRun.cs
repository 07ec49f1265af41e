using LeNetOnnx.Runtime;
using System.Diagnostics;
using System.Globalization;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Reports;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// Trains a recipe on a data set: builds the artifacts, runs epochs of shuffled batches through a
/// <see cref="TrainingEngine"/>, evaluates the test set after each epoch, and checkpoints
/// atomically after every epoch (and when cancelled), so a run can be resumed to bitwise the same
/// result.
/// </summary>
public sealed class TrainingRun
{
    /// <summary>The checkpoint file in the run directory.</summary>
    public const string CheckpointFileName = "checkpoint.lnck";

    /// <summary>The metrics file in the run directory: one JSON object per epoch.</summary>
    public const string MetricsFileName = "metrics.jsonl";

    private const string NextBatchProperty = "train.next_batch";
    private const string PartialLossProperty = "train.partial_loss_sum";
    private const string PartialCorrectProperty = "train.partial_correct";
    private const string PartialSecondsProperty = "train.partial_seconds";
    private const string RecipeProperty = "recipe";
    private const string ReplicasProperty = "train.replicas";

    private readonly TrainingRecipe recipe;
    private readonly DataSetSplits data;
    private readonly TrainingRunOptions options;

    /// <summary>Prepares a run and resolves its device; nothing is trained or written until <see cref="Run"/>.</summary>
    /// <exception cref="TrainingException">The recipe's train limit is more than the data set's training images.</exception>
    /// <exception cref="CudaUnavailableException">CUDA was asked for and cannot be used here.</exception>
    public TrainingRun(TrainingRecipe recipe, DataSetSplits data, TrainingRunOptions options)
    {
        this.recipe = recipe.Validate();
        ArgumentNullException.ThrowIfNull(data);
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        if (recipe.TrainImages > data.Train.Count)
        {
            throw new TrainingException(string.Create(
                CultureInfo.InvariantCulture,
                $"The train limit asks for the first {recipe.TrainImages:N0} training images, but {data.Description.Name} has {data.Train.Count:N0}; give 1 to {data.Train.Count}."));
        }

        this.data = recipe.TrainImages is { } count ? data.TakeTraining(count) : data;
        DeviceChoice device = ExecutionDevices.Resolve(options.Device);
        Device = device.Device;
        DeviceFallbackReason = device.FallbackReason;
        Replicas = options.ReplicasFor(Device);
    }

    /// <summary>The data the run trains and tests on: the data set given, its training split cut to the recipe's train limit.</summary>
    public DataSetSplits Data => data;

    /// <summary>Called after every epoch.</summary>
    public event Action<EpochMetrics>? EpochCompleted;

    /// <summary>Called after every step with its record (as <c>steps.csv</c> has it) and the batches per epoch.</summary>
    public event Action<StepRecord, int>? StepCompleted;

    /// <summary>The device the run resolved to: Cpu or Cuda.</summary>
    public ExecutionDevice Device { get; }

    /// <summary>Why <see cref="ExecutionDevice.Auto"/> resolved to the CPU although the loaded ONNX Runtime has the CUDA provider; null otherwise.</summary>
    public string? DeviceFallbackReason { get; }

    /// <summary>The replica count the run resolved to (see <see cref="TrainingRunOptions.Replicas"/>).</summary>
    public int Replicas { get; }

    /// <summary>
    /// Trains to the recipe's last epoch (or until cancelled, or <see cref="TrainingRunOptions.StopAfterEpochs"/>),
    /// checkpointing as it goes. Returns the final checkpoint and every epoch's metrics.
    /// </summary>
    /// <exception cref="TrainingException">The loss became NaN or infinite, or the checkpoint to resume does not fit.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; a checkpoint of the position reached was written first.</exception>
    public TrainingOutcome Run(CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(options.RunDirectory);
        string checkpointPath = Path.Combine(options.RunDirectory, CheckpointFileName);
        TrainingArtifacts artifacts = CreateArtifacts();
        using SessionOptions sessionOptions = CreateSessionOptions();
        Checkpoint start = options.Resume ? ResumePoint(checkpointPath) : artifacts.Checkpoint with { Properties = Properties(0, 0, 0, 0) };
        List<EpochMetrics> metrics = ReadMetrics(start.Epoch);
        string stepsPath = Path.Combine(options.RunDirectory, StepLog.FileName);
        List<StepRecord> steps = options.Resume ? StepLog.Read(stepsPath, start.Step) : [];
        var guard = new DivergenceGuard(data.Description.ClassCount);
        foreach (StepRecord earlier in steps.TakeLast(DivergenceGuard.Window))
        {
            // A resumed run watches the same window as an uninterrupted one.
            guard.Observe(earlier.Loss);
        }

        var buffer = new BatchBuffer(recipe.BatchSize, data.Train.PixelsPerImage);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), start, buffer, sessionOptions, Replicas);
        var batcher = new Batcher(data.Train, recipe.BatchSize, recipe.Augmentation);
        var next = new PendingBatch(batcher);
        int batches = batcher.BatchCount(data.Train.Count);
        var schedule = new LearningRateSchedule(recipe.Schedule, recipe.Optimizer.LearningRate, (long)batches * recipe.Epochs, batches);

        long step = start.Step;
        int firstBatch = int.Parse(start.Properties.GetValueOrDefault(NextBatchProperty, "0"), CultureInfo.InvariantCulture);
        double lossSum = double.Parse(start.Properties.GetValueOrDefault(PartialLossProperty, "0"), CultureInfo.InvariantCulture);
        long correct = long.Parse(start.Properties.GetValueOrDefault(PartialCorrectProperty, "0"), CultureInfo.InvariantCulture);
        double carriedSeconds = double.Parse(start.Properties.GetValueOrDefault(PartialSecondsProperty, "0"), CultureInfo.InvariantCulture);
        int lastEpoch = options.StopAfterEpochs is { } stop ? Math.Min(recipe.Epochs, start.Epoch + stop) : recipe.Epochs;
        Checkpoint latest = start;
        ConfusionMatrix? confusion = null;
        int[] predictions = new int[data.Test.Count];
        for (int epoch = start.Epoch; epoch < lastEpoch; epoch++)
        {
            int[] order = ShuffleOrder.ForEpoch(data.Train.Count, recipe.Seed, epoch);
            var clock = Stopwatch.StartNew();
            for (int b = firstBatch; b < batches; b++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    latest = engine.Snapshot(step, epoch, Properties(b, lossSum, correct, carriedSeconds + clock.Elapsed.TotalSeconds));
                    StepLog.Write(stepsPath, steps);
                    CheckpointFile.Write(checkpointPath, latest);
                    cancellation.ThrowIfCancellationRequested();
                }

                next.Select(order, b, epoch);
                float rate = schedule.At(step);
                StepResult result = engine.TrainStep(next, rate, step + 1, GradientScale(next.Size));
                if (guard.Observe(result.Loss) is { } divergence)
                {
                    throw Diverged(divergence, epoch, b, batches, step, rate, checkpointPath);
                }

                var record = new StepRecord(step + 1, epoch + 1, b + 1, result.Count, result.Loss, result.Correct, rate);
                steps.Add(record);
                step++;
                lossSum += (double)result.Loss * result.Count;
                correct += result.Correct;
                StepCompleted?.Invoke(record, batches);
            }

            double trainSeconds = carriedSeconds + clock.Elapsed.TotalSeconds;
            int trained = data.Train.Count;
            confusion = new ConfusionMatrix(data.Description.ClassNames);
            double testLoss = EvaluateTest(engine, buffer, confusion, predictions);
            double testAccuracy = confusion.Accuracy;
            var epochMetrics = new EpochMetrics(
                epoch + 1,
                lossSum / trained,
                (double)correct / trained,
                testLoss,
                testAccuracy,
                carriedSeconds + clock.Elapsed.TotalSeconds,
                trained / trainSeconds,
                schedule.At(step - 1));
            metrics.Add(epochMetrics);

            // Metrics first: a process killed between the two writes then leaves metrics.jsonl one
            // epoch ahead of the checkpoint (resume drops that line and trains the epoch again),
            // never a checkpoint claiming an epoch whose line was lost.
            WriteMetrics(metrics);
            StepLog.Write(stepsPath, steps);
            latest = engine.Snapshot(step, epoch + 1, Properties(0, 0, 0, 0));
            CheckpointFile.Write(checkpointPath, latest);
            EpochCompleted?.Invoke(epochMetrics);
            (firstBatch, lossSum, correct, carriedSeconds) = (0, 0, 0, 0);
        }

        if (confusion is null && latest.Epoch > 0)
        {
            if (metrics.Count == 0 || metrics[^1].Epoch != latest.Epoch)
            {
                // A finished checkpoint brought into a run directory of its own (from the browser's
                // Train tab or tools/node/train.mjs) without the metrics.jsonl its epochs wrote.
                throw new TrainingException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The checkpoint '{checkpointPath}' has finished all {latest.Epoch} epochs, and '{Path.Combine(options.RunDirectory, MetricsFileName)}' does not hold their metrics, which the export needs; put the run's metrics.jsonl beside it, or use the model the run exported."));
            }

            // Resumed after the last epoch (killed while exporting, say): the test-set figures
            // the export and plots need come from the checkpoint's weights, as they would have.
            confusion = new ConfusionMatrix(data.Description.ClassNames);
            EvaluateTest(engine, buffer, confusion, predictions);
        }

        return new TrainingOutcome(latest, metrics, confusion, confusion is null ? [] : predictions, Device);
    }

    /// <summary>Test-set loss at the engine's current parameters; every prediction goes into <paramref name="confusion"/> and <paramref name="predictions"/>.</summary>
    private double EvaluateTest(TrainingEngine engine, BatchBuffer buffer, ConfusionMatrix confusion, int[] predictions)
    {
        var batcher = new Batcher(data.Test, buffer.Capacity);
        var next = new PendingBatch(batcher);
        int[] order = ShuffleOrder.Identity(data.Test.Count);
        double lossSum = 0;
        for (int b = 0; b < batcher.BatchCount(order.Length); b++)
        {
            next.Select(order, b, 0);
            StepResult result = engine.Evaluate(next);
            lossSum += (double)result.Loss * result.Count;
            confusion.AddBatch(engine.Logits, buffer.FilledLabels.Span);
            for (int i = 0; i < result.Count; i++)
            {
                predictions[(b * buffer.Capacity) + i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(engine.Logits.Slice(i * 10, 10));
            }
        }

        return lossSum / data.Test.Count;
    }

    /// <summary>
    /// Examples per second of this run's training sessions alone (<see cref="TrainingEngine.MeasureKernelThroughput"/>)
    /// on the first batch of the first epoch, with the device, replicas and threads <see cref="Run"/>
    /// uses, from the recipe's initial weights; the first <paramref name="warmUp"/> is not counted.
    /// The most whole epochs could reach. Nothing is written to the run directory.
    /// </summary>
    public double MeasureKernelThroughput(TimeSpan warmUp, TimeSpan duration)
    {
        TrainingArtifacts artifacts = CreateArtifacts();
        using SessionOptions sessionOptions = CreateSessionOptions();
        var buffer = new BatchBuffer(recipe.BatchSize, data.Train.PixelsPerImage);
        new Batcher(data.Train, recipe.BatchSize, recipe.Augmentation).Fill(ShuffleOrder.ForEpoch(data.Train.Count, recipe.Seed, 0), 0, 0, buffer);
        using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, sessionOptions, Replicas);
        engine.MeasureKernelThroughput(warmUp);
        return engine.MeasureKernelThroughput(duration);
    }

    private TrainingArtifacts CreateArtifacts() =>
        RecipeFile.ArtifactsOf(recipe, options.InitialWeights, data.Description.ClassNames);

    /// <summary>What a batch of <paramref name="examples"/> scales its mean-loss gradient by: 1, or examples/N with a loss divisor N.</summary>
    private float GradientScale(int examples) => recipe.LossDivisor is { } divisor ? (float)examples / divisor : 1f;

    private TrainingDivergedException Diverged(string reason, int epoch, int batch, int batches, long step, float rate, string checkpointPath)
    {
        string kept = File.Exists(checkpointPath)
            ? $"the last good checkpoint stays in '{checkpointPath}'"
            : "no checkpoint had been written yet";
        return new TrainingDivergedException(string.Create(
            CultureInfo.InvariantCulture,
            $"training diverged at epoch {epoch + 1}, step {batch + 1} of {batches} (global step {step + 1}): {reason}. Lower the learning rate (it was {rate:G4}); nothing was exported, {kept}."));
    }

    /// <summary>The session options for <see cref="Device"/> and <see cref="Replicas"/>.</summary>
    private SessionOptions CreateSessionOptions() =>
        DeviceSelection.CreateSessionOptions(Device, options.ThreadsPerReplica(Replicas), options.AllowTf32);

    private Checkpoint ResumePoint(string checkpointPath)
    {
        Checkpoint checkpoint = CheckpointFile.Read(checkpointPath);
        string? savedRecipe = checkpoint.Properties.GetValueOrDefault(RecipeProperty);
        if (checkpoint.Variant != recipe.Variant.Variant || checkpoint.Optimizer != recipe.Optimizer || savedRecipe != Describe(recipe))
        {
            throw new TrainingException(
                $"The checkpoint '{checkpointPath}' was made by another recipe ({checkpoint.Variant}, {checkpoint.Optimizer.Name}, {savedRecipe ?? "unknown"}); "
                + $"this run is {recipe.Variant.Variant}, {recipe.Optimizer.Name}, {Describe(recipe)}. Resume with the same options or use a new run directory.");
        }

        string? savedReplicas = checkpoint.Properties.GetValueOrDefault(ReplicasProperty);
        if (savedReplicas is not null && savedReplicas != Replicas.ToString(CultureInfo.InvariantCulture))
        {
            throw new TrainingException(
                $"The checkpoint '{checkpointPath}' was trained with {savedReplicas} replicas and this run would use {Replicas}; the result would then differ from an uninterrupted run. Resume with --replicas {savedReplicas}.");
        }

        return checkpoint;
    }

    private Dictionary<string, string> Properties(int nextBatch, double lossSum, long correct, double seconds) => new()
    {
        [RecipeProperty] = Describe(recipe),
        [ReplicasProperty] = Replicas.ToString(CultureInfo.InvariantCulture),
        ["data.set"] = recipe.DataSet,
        ["data.train_images.sha256"] = data.Train.ImagesSource?.Sha256 ?? "",
        ["data.test_images.sha256"] = data.Test.ImagesSource?.Sha256 ?? "",
        [NextBatchProperty] = nextBatch.ToString(CultureInfo.InvariantCulture),
        [PartialLossProperty] = lossSum.ToString("R", CultureInfo.InvariantCulture),
        [PartialCorrectProperty] = correct.ToString(CultureInfo.InvariantCulture),
        [PartialSecondsProperty] = seconds.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>The recipe in one line: what a checkpoint must match to be resumed.</summary>
    public static string Describe(TrainingRecipe recipe) => string.Create(
        CultureInfo.InvariantCulture,
        $"{recipe.Name}: {recipe.Variant.Variant}, {recipe.Optimizer.Name} lr {recipe.Optimizer.LearningRate}, batch {recipe.BatchSize}, {recipe.Epochs} epochs, seed {recipe.Seed}, {recipe.Schedule}, shift {recipe.Augmentation.MaxShift}, flip {recipe.Augmentation.HorizontalFlip}, {recipe.DataSet}{(recipe.TrainImages is { } n ? $", first {n} training images" : "")}{Phrase(recipe.Loss.Summary())}{(recipe.LossDivisor is { } d ? $", summed loss / {d}" : "")}{(recipe.Variant.Init != WeightInit.XavierUniform ? $", init {recipe.Variant.Init}" : "")}");

    private static string Phrase(string text) => text.Length == 0 ? "" : ", " + text;

    private List<EpochMetrics> ReadMetrics(int epochs)
    {
        string path = Path.Combine(options.RunDirectory, MetricsFileName);
        if (!options.Resume || !File.Exists(path))
        {
            return [];
        }

        return File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => new EpochMetrics(
                e.GetProperty("epoch").GetInt32(),
                e.GetProperty("loss").GetDouble(),
                e.GetProperty("train_accuracy").GetDouble(),
                e.GetProperty("test_loss").GetDouble(),
                e.GetProperty("test_accuracy").GetDouble(),
                e.GetProperty("seconds").GetDouble(),
                e.GetProperty("images_per_second").GetDouble(),
                e.GetProperty("learning_rate").GetDouble()))
            .Where(m => m.Epoch <= epochs)
            .ToList();
    }

    private void WriteMetrics(IEnumerable<EpochMetrics> metrics) =>
        AtomicFile.WriteAllBytes(Path.Combine(options.RunDirectory, MetricsFileName), System.Text.Encoding.UTF8.GetBytes(string.Concat(metrics.Select(m => m.ToJson() + "\n"))));
}
