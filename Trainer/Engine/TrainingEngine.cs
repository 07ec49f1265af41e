using System.Diagnostics;
using System.Numerics.Tensors;
using LeNetOnnx.Builder.Autodiff;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>
/// Runs the training artifacts in ONNX Runtime: one training step is the training model (loss,
/// gradients) followed by the optimizer model (new parameters and state). Parameters, state and
/// gradients live in native <see cref="OrtValue"/>s bound with <see cref="OrtIoBinding"/>; two
/// sets of parameters and state alternate as input and output, so nothing is copied to managed
/// arrays between steps. Evaluation runs the eval model frozen at the current parameters (made
/// when the parameters changed since the last evaluation), whose constant weights ONNX Runtime
/// prepacks for its faster kernels.
/// </summary>
/// <remarks>
/// With more than one replica the batch is split into equal slices (the first ones one example
/// larger when it does not divide), each replica's training session computes its slice's mean
/// loss and gradients at the same time on its own thread, and the engine combines them weighted
/// by slice size (the mean of the batch, exactly, up to float rounding) before the one optimizer
/// step. The trajectory depends on the replica count, not on the machine's cores. Each parallel
/// part of a step is one <c>LaneOrder</c> handed to every replica through
/// <see cref="ParallelLanes{TOrder}"/>, whose protocol is all the synchronization between the
/// engine and the replicas' threads.
/// </remarks>
public sealed class TrainingEngine : IDisposable
{
    private readonly InferenceSession optimizer;
    private readonly Func<IReadOnlyDictionary<string, float[]>, byte[]> evaluationAt;
    private readonly BatchBuffer batch;
    // The checkpoint's tensors in order (parameters and optimizer state): names and shapes.
    private readonly CheckpointTensor[] stateLayout;
    private readonly int[] parameterIndices;

    // Two sets of parameters and optimizer state in stateLayout's order: the optimizer reads the
    // live set and writes the other, and then the other is live.
    private readonly OrtValue[][] stateSets = new OrtValue[2][];
    private readonly TrainingReplica[] replicas;

    // Each replica's slice of the batch; written by PrepareSlices before the lanes run.
    private readonly (int Offset, int Size)[] slices;
    private readonly ParallelLanes<LaneOrder> lanes;

    // The replicas' gradients combined, which the optimizer reads; null with one replica, whose
    // own gradients the optimizer reads.
    private readonly OrtValue[]? combinedGradients;
    private readonly OrtValue learningRate = EngineValues.Scalar(TensorElementType.Float);
    private readonly OrtValue stepNumber = EngineValues.Scalar(TensorElementType.Int64);
    private readonly float[] logits;
    private readonly OrtIoBinding[] optimizerBindings = new OrtIoBinding[2];
    private readonly RunOptions runOptions = new();
    private readonly long[] freeRunSteps;
    private int liveSet;
    private long parametersVersion;
    private long evaluationVersion = -1;

    /// <summary>Creates sessions over the artifact models and loads the checkpoint's tensors.</summary>
    /// <param name="artifacts">The training and optimizer models, and how to make the eval model frozen at given parameters.</param>
    /// <param name="checkpoint">Parameters and optimizer state to start from.</param>
    /// <param name="batch">The buffer batches are filled into; its capacity is the largest batch.</param>
    /// <param name="sessionOptions">Options for every session (device, threads per session, profiling); they must outlive the engine.</param>
    /// <param name="replicas">Training and eval sessions that each take a slice of every batch, run in parallel.</param>
    public TrainingEngine(TrainingModelSet artifacts, Checkpoint checkpoint, BatchBuffer batch, SessionOptions sessionOptions, int replicas = 1)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replicas);
        this.batch = batch ?? throw new ArgumentNullException(nameof(batch));
        optimizer = new InferenceSession(artifacts.Optimizer, sessionOptions);
        evaluationAt = artifacts.EvaluationAt;
        Checkpoint = checkpoint;
        stateLayout = [.. checkpoint.Tensors];
        parameterIndices = Enumerable.Range(0, stateLayout.Length).Where(i => stateLayout[i].Kind == CheckpointTensorKind.Parameter).ToArray();
        for (int set = 0; set < 2; set++)
        {
            stateSets[set] = stateLayout.Select(t => EngineValues.Floats(t.Shape.Select(d => (long)d))).ToArray();
        }

        for (int i = 0; i < stateLayout.Length; i++)
        {
            stateLayout[i].Data.CopyTo(stateSets[0][i].GetTensorMutableDataAsSpan<float>());
        }

        logits = GC.AllocateArray<float>(batch.Capacity * 10, pinned: true);
        var parameters = new IReadOnlyList<(string Name, OrtValue Value)>[2];
        for (int set = 0; set < 2; set++)
        {
            int s = set;
            parameters[set] = parameterIndices.Select(i => (stateLayout[i].Name, stateSets[s][i])).ToArray();
        }

        this.replicas = Enumerable.Range(0, replicas).Select(_ => new TrainingReplica(artifacts, sessionOptions, parameters, batch, logits)).ToArray();
        slices = new (int, int)[replicas];
        freeRunSteps = new long[replicas];
        lanes = new ParallelLanes<LaneOrder>(replicas, RunReplica);
        combinedGradients = replicas > 1 ? this.replicas[0].Gradients.Select(EngineValues.LikeShapeOf).ToArray() : null;
        for (int set = 0; set < 2; set++)
        {
            optimizerBindings[set] = OptimizerBinding(set);
        }
    }

    /// <summary>Training and eval sessions working on slices of each batch in parallel.</summary>
    public int Replicas => replicas.Length;

    /// <summary>The checkpoint the engine started from (its options, variant and layout).</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>
    /// One training step on the <see cref="BatchBuffer.Count"/> examples in the batch buffer with
    /// learning rate <paramref name="rate"/>; <paramref name="step"/> is the 1-based step number.
    /// Returns the loss and correct count before the update.
    /// </summary>
    public StepResult TrainStep(float rate, long step) => RunStep(null, rate, step, 1f);

    /// <summary>
    /// One training step on <paramref name="next"/>, which each replica writes (its own slice) into
    /// the batch buffer before training on it; otherwise as <see cref="TrainStep(float, long)"/>.
    /// </summary>
    /// <param name="next">The batch.</param>
    /// <param name="rate">The learning rate.</param>
    /// <param name="step">The 1-based step number.</param>
    /// <param name="gradientScale">
    /// What the batch's mean-loss gradient is multiplied by before the optimizer takes it: 1, or
    /// for a summed loss divided by a fixed N (MXNet's <c>trainer.step(N)</c>), examples/N.
    /// </param>
    public StepResult TrainStep(PendingBatch next, float rate, long step, float gradientScale = 1f)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfNotEqual(float.IsFinite(gradientScale) && gradientScale > 0, true, nameof(gradientScale));
        return RunStep(next, rate, step, gradientScale);
    }

    /// <summary>Loss and correct count of the batch buffer's examples at the current parameters; the logits go to <see cref="Logits"/>.</summary>
    public StepResult Evaluate() => RunEvaluation(null);

    /// <summary>Loss and correct count of <paramref name="next"/>, which each replica writes (its own slice) into the batch buffer first; otherwise as <see cref="Evaluate()"/>.</summary>
    public StepResult Evaluate(PendingBatch next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return RunEvaluation(next);
    }

    /// <summary>
    /// How fast the training kernels alone go: every replica runs its training session on its
    /// slice of the batch buffer's <see cref="BatchBuffer.Count"/> examples again and again, each
    /// on its own lane, never waiting for the others, for <paramref name="duration"/>; nothing is
    /// combined, no optimizer step runs and the parameters do not change. Returns examples per
    /// second over all replicas: the bound that whole training steps, which also wait for the
    /// slowest replica, combine, update and fill, can approach but not pass.
    /// </summary>
    public double MeasureKernelThroughput(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        PrepareSlices(null);
        Array.Clear(freeRunSteps);
        long start = Stopwatch.GetTimestamp();
        lanes.Run(new LaneOrder(LaneWork.FreeRun, liveSet, Pending: null, FrozenModel: null, FreeRunDeadline: start + (long)(duration.TotalSeconds * Stopwatch.Frequency)));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long examples = 0;
        for (int r = 0; r < replicas.Length; r++)
        {
            examples += freeRunSteps[r] * slices[r].Size;
        }

        return examples / seconds;
    }

    /// <summary>The logits of the last <see cref="Evaluate()"/>, <c>[count, 10]</c>.</summary>
    public ReadOnlySpan<float> Logits => logits.AsSpan(0, batch.Count * 10);

    /// <summary>The current parameters and optimizer state as a checkpoint at the given progress.</summary>
    public Checkpoint Snapshot(long step, int epoch, IReadOnlyDictionary<string, string> properties) => Checkpoint with
    {
        Step = step,
        Epoch = epoch,
        Properties = properties,
        Tensors = stateLayout.Select((t, i) => t with { Data = stateSets[liveSet][i].GetTensorDataAsSpan<float>().ToArray() }).ToArray(),
    };

    /// <summary>The current parameters by name (copies).</summary>
    public IReadOnlyDictionary<string, float[]> Parameters() =>
        parameterIndices.ToDictionary(i => stateLayout[i].Name, i => stateSets[liveSet][i].GetTensorDataAsSpan<float>().ToArray());

    /// <summary>Ends ONNX Runtime profiling of every session (when enabled) and returns the profile files.</summary>
    public IReadOnlyList<string> EndProfiling() => [.. replicas.SelectMany(r => r.EndProfiling()), optimizer.EndProfiling()];

    /// <inheritdoc/>
    public void Dispose()
    {
        lanes.Dispose();
        foreach (OrtIoBinding b in optimizerBindings)
        {
            b.Dispose();
        }

        foreach (TrainingReplica replica in replicas)
        {
            replica.Dispose();
        }

        foreach (OrtValue v in stateSets.SelectMany(t => t).Concat([learningRate, stepNumber]).Concat(combinedGradients ?? []))
        {
            v.Dispose();
        }

        runOptions.Dispose();
        optimizer.Dispose();
    }

    private StepResult RunStep(PendingBatch? next, float rate, long step, float gradientScale)
    {
        int size = PrepareSlices(next);
        lanes.Run(new LaneOrder(LaneWork.Train, liveSet, next, FrozenModel: null, FreeRunDeadline: 0));
        StepResult result = Combine(r => r.TrainResult, size);
        if (combinedGradients is not null)
        {
            CombineGradients(combinedGradients, size, gradientScale);
        }
        else if (gradientScale != 1f)
        {
            foreach (OrtValue gradient in replicas[0].Gradients)
            {
                Span<float> values = gradient.GetTensorMutableDataAsSpan<float>();
                TensorPrimitives.Multiply(values, gradientScale, values);
            }
        }

        learningRate.GetTensorMutableDataAsSpan<float>()[0] = rate;
        stepNumber.GetTensorMutableDataAsSpan<long>()[0] = step;
        optimizer.RunWithBinding(runOptions, optimizerBindings[liveSet]);
        liveSet = 1 - liveSet;
        parametersVersion++;
        return result;
    }

    private StepResult RunEvaluation(PendingBatch? next)
    {
        int size = PrepareSlices(next);

        // A new frozen model when the parameters changed; each lane makes its replica's session.
        byte[]? frozen = evaluationVersion != parametersVersion ? evaluationAt(Parameters()) : null;
        lanes.Run(new LaneOrder(LaneWork.Evaluate, liveSet, next, frozen, FreeRunDeadline: 0));
        if (frozen is not null)
        {
            evaluationVersion = parametersVersion;
        }

        return Combine(r => r.EvalResult, size);
    }

    /// <summary>
    /// Splits the step's examples into one contiguous slice per replica; returns the example count:
    /// <paramref name="next"/>'s size, which becomes the buffer's count, or else the buffer's count.
    /// </summary>
    private int PrepareSlices(PendingBatch? next)
    {
        int size = next?.Size ?? batch.Count;
        if (size < 1 || size > batch.Capacity)
        {
            string what = next is null ? "The batch buffer holds" : "The pending batch has";
            throw new InvalidOperationException($"{what} {size} examples; a step needs 1 to {batch.Capacity}.");
        }

        int offset = 0;
        for (int r = 0; r < slices.Length; r++)
        {
            int slice = (size / slices.Length) + (r < size % slices.Length ? 1 : 0);
            slices[r] = (offset, slice);
            offset += slice;
        }

        if (next is not null)
        {
            batch.Count = size;
        }

        return size;
    }

    /// <summary>One lane's work: its replica trains, evaluates (after loading a new frozen eval model, when there is one) or free-runs its slice (nothing when the slice is empty).</summary>
    private void RunReplica(int lane, LaneOrder order)
    {
        if (order.FrozenModel is { } frozen)
        {
            replicas[lane].LoadEvaluation(frozen);
        }

        (int offset, int size) = slices[lane];
        if (size == 0)
        {
            return;
        }

        order.Pending?.FillSlice(batch, offset, size);
        switch (order.Work)
        {
            case LaneWork.Evaluate:
                replicas[lane].Evaluate(offset, size, runOptions);
                break;
            case LaneWork.FreeRun:
                long steps = 0;
                do
                {
                    replicas[lane].Train(order.ParameterSet, offset, size, runOptions);
                    steps++;
                }
                while (Stopwatch.GetTimestamp() < order.FreeRunDeadline);
                freeRunSteps[lane] = steps;
                break;
            case LaneWork.Train:
                replicas[lane].Train(order.ParameterSet, offset, size, runOptions);
                break;
            default:
                throw new UnreachableException($"Lane work {order.Work}.");
        }
    }

    /// <summary>The batch's mean loss and total correct count from the replicas' slice results.</summary>
    private StepResult Combine(Func<TrainingReplica, StepResult> resultOf, int size)
    {
        if (replicas.Length == 1)
        {
            return resultOf(replicas[0]);
        }

        double lossSum = 0;
        long correct = 0;
        for (int r = 0; r < replicas.Length; r++)
        {
            if (slices[r].Size > 0)
            {
                StepResult part = resultOf(replicas[r]);
                lossSum += (double)part.Loss * part.Count;
                correct += part.Correct;
            }
        }

        return new StepResult((float)(lossSum / size), correct, size);
    }

    /// <summary>The batch's gradient into <paramref name="combined"/>: the replicas' slice-mean gradients weighted by slice size, times <paramref name="scale"/>.</summary>
    private void CombineGradients(OrtValue[] combined, int size, float scale)
    {
        for (int k = 0; k < combined.Length; k++)
        {
            Span<float> sum = combined[k].GetTensorMutableDataAsSpan<float>();
            bool first = true;
            for (int r = 0; r < replicas.Length; r++)
            {
                if (slices[r].Size == 0)
                {
                    continue;
                }

                ReadOnlySpan<float> part = replicas[r].Gradients[k].GetTensorDataAsSpan<float>();
                float weight = (float)slices[r].Size / size * scale;
                if (first)
                {
                    TensorPrimitives.Multiply(part, weight, sum);
                    first = false;
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(part, weight, sum, sum);
                }
            }
        }
    }

    /// <summary>The optimizer reading state set <paramref name="set"/> and the gradients, writing the other set.</summary>
    private OrtIoBinding OptimizerBinding(int set)
    {
        OrtIoBinding binding = optimizer.CreateIoBinding();
        binding.BindInput(TrainingModels.LearningRateInput, learningRate);
        binding.BindInput(TrainingModels.StepInput, stepNumber);
        OrtValue[] gradients = combinedGradients ?? replicas[0].Gradients;
        for (int k = 0; k < parameterIndices.Length; k++)
        {
            binding.BindInput(GradientContext.ParameterGradientName(stateLayout[parameterIndices[k]].Name), gradients[k]);
        }

        for (int i = 0; i < stateLayout.Length; i++)
        {
            binding.BindInput(stateLayout[i].Name, stateSets[set][i]);
            binding.BindOutput(OptimizerGraph.NextName(stateLayout[i].Name), stateSets[1 - set][i]);
        }

        return binding;
    }

    /// <summary>
    /// What one run of the lanes asks of every replica; the protocol of <see cref="ParallelLanes{TOrder}"/>
    /// makes it, the slices and the batch buffer's count (written before the run) visible to the
    /// lanes, and their results visible to the engine after it.
    /// </summary>
    /// <param name="Work">Train, evaluate or free-run.</param>
    /// <param name="ParameterSet">The state set holding the parameters to train at.</param>
    /// <param name="Pending">The batch each replica fills its own slice of first; null when the buffer is filled already.</param>
    /// <param name="FrozenModel">A new frozen eval model each replica loads before evaluating; null to keep the one it has.</param>
    /// <param name="FreeRunDeadline">For <see cref="LaneWork.FreeRun"/>: the <see cref="Stopwatch"/> timestamp to stop at.</param>
    private readonly record struct LaneOrder(LaneWork Work, int ParameterSet, PendingBatch? Pending, byte[]? FrozenModel, long FreeRunDeadline);

    /// <summary>What the lanes do in a run.</summary>
    private enum LaneWork
    {
        /// <summary>Each replica computes its slice's loss and gradients once.</summary>
        Train,

        /// <summary>Each replica runs the frozen eval model on its slice once.</summary>
        Evaluate,

        /// <summary>Each replica trains on its slice until the deadline, counting its runs.</summary>
        FreeRun,
    }
}
