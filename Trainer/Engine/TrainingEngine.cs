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
/// step. The trajectory depends on the replica count, not on the machine's cores.
/// </remarks>
public sealed class TrainingEngine : IDisposable
{
    private readonly InferenceSession optimizer;
    private readonly Func<IReadOnlyDictionary<string, float[]>, byte[]> evaluationAt;
    private readonly BatchBuffer batch;
    private readonly CheckpointTensor[] layout;
    private readonly int[] parameterIndices;
    private readonly OrtValue[][] tensors = new OrtValue[2][];
    private readonly TrainingReplica[] replicas;
    private readonly (int Offset, int Size)[] slices;
    private readonly ParallelLanes lanes;
    private readonly OrtValue[] gradients;
    private readonly bool combinesGradients;
    private readonly OrtValue learningRate = EngineValues.Scalar(TensorElementType.Float);
    private readonly OrtValue stepNumber = EngineValues.Scalar(TensorElementType.Int64);
    private readonly float[] logits;
    private readonly OrtIoBinding[] optimizerBindings = new OrtIoBinding[2];
    private readonly RunOptions runOptions = new();
    private readonly long[] freeRunSteps;
    private LaneWork work;
    private long freeRunDeadline;
    private byte[]? frozenToLoad;
    private PendingBatch? pending;
    private int current;
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
        layout = [.. checkpoint.Tensors];
        parameterIndices = Enumerable.Range(0, layout.Length).Where(i => layout[i].Kind == CheckpointTensorKind.Parameter).ToArray();
        for (int set = 0; set < 2; set++)
        {
            tensors[set] = layout.Select(t => EngineValues.Floats(t.Shape.Select(d => (long)d))).ToArray();
        }

        for (int i = 0; i < layout.Length; i++)
        {
            layout[i].Data.CopyTo(tensors[0][i].GetTensorMutableDataAsSpan<float>());
        }

        logits = GC.AllocateArray<float>(batch.Capacity * 10, pinned: true);
        var parameters = new IReadOnlyList<(string Name, OrtValue Value)>[2];
        for (int set = 0; set < 2; set++)
        {
            int s = set;
            parameters[set] = parameterIndices.Select(i => (layout[i].Name, tensors[s][i])).ToArray();
        }

        this.replicas = Enumerable.Range(0, replicas).Select(_ => new TrainingReplica(artifacts, sessionOptions, parameters, batch, logits)).ToArray();
        slices = new (int, int)[replicas];
        freeRunSteps = new long[replicas];
        lanes = new ParallelLanes(replicas, RunReplica);
        combinesGradients = replicas > 1;
        gradients = combinesGradients ? this.replicas[0].Gradients.Select(EngineValues.LikeShapeOf).ToArray() : this.replicas[0].Gradients;
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
        freeRunDeadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        work = LaneWork.FreeRun;
        lanes.Run();
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
        Tensors = layout.Select((t, i) => t with { Data = tensors[current][i].GetTensorDataAsSpan<float>().ToArray() }).ToArray(),
    };

    /// <summary>The current parameters by name (copies).</summary>
    public IReadOnlyDictionary<string, float[]> Parameters() =>
        parameterIndices.ToDictionary(i => layout[i].Name, i => tensors[current][i].GetTensorDataAsSpan<float>().ToArray());

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

        IEnumerable<OrtValue> owned = tensors.SelectMany(t => t).Concat([learningRate, stepNumber]);
        foreach (OrtValue v in combinesGradients ? owned.Concat(gradients) : owned)
        {
            v.Dispose();
        }

        runOptions.Dispose();
        optimizer.Dispose();
    }

    private StepResult RunStep(PendingBatch? next, float rate, long step, float gradientScale)
    {
        int size = PrepareSlices(next);
        work = LaneWork.Train;
        lanes.Run();
        StepResult result = Combine(r => r.TrainResult, size);
        if (combinesGradients)
        {
            CombineGradients(size, gradientScale);
        }
        else if (gradientScale != 1f)
        {
            foreach (OrtValue gradient in gradients)
            {
                Span<float> values = gradient.GetTensorMutableDataAsSpan<float>();
                TensorPrimitives.Multiply(values, gradientScale, values);
            }
        }

        learningRate.GetTensorMutableDataAsSpan<float>()[0] = rate;
        stepNumber.GetTensorMutableDataAsSpan<long>()[0] = step;
        optimizer.RunWithBinding(runOptions, optimizerBindings[current]);
        current = 1 - current;
        parametersVersion++;
        return result;
    }

    private StepResult RunEvaluation(PendingBatch? next)
    {
        int size = PrepareSlices(next);

        // A new frozen model when the parameters changed; each lane makes its replica's session.
        byte[]? frozen = evaluationVersion != parametersVersion ? evaluationAt(Parameters()) : null;
        frozenToLoad = frozen;
        work = LaneWork.Evaluate;
        try
        {
            lanes.Run();
        }
        finally
        {
            frozenToLoad = null;
        }

        if (frozen is not null)
        {
            evaluationVersion = parametersVersion;
        }

        return Combine(r => r.EvalResult, size);
    }

    /// <summary>
    /// Splits the step's examples into one contiguous slice per replica and makes <paramref name="next"/>
    /// (when given) the batch the replicas fill; returns the example count: <paramref name="next"/>'s
    /// size, which becomes the buffer's count, or else the buffer's count.
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

        pending = next;
        if (next is not null)
        {
            batch.Count = size;
        }

        return size;
    }

    /// <summary>One lane's work: its replica trains, evaluates (after loading a new frozen eval model, when there is one) or free-runs its slice (nothing when the slice is empty).</summary>
    private void RunReplica(int lane)
    {
        if (work == LaneWork.Evaluate && frozenToLoad is not null)
        {
            replicas[lane].LoadEvaluation(frozenToLoad);
        }

        (int offset, int size) = slices[lane];
        if (size == 0)
        {
            return;
        }

        pending?.FillSlice(batch, offset, size);
        switch (work)
        {
            case LaneWork.Evaluate:
                replicas[lane].Evaluate(offset, size, runOptions);
                break;
            case LaneWork.FreeRun:
                long steps = 0;
                do
                {
                    replicas[lane].Train(current, offset, size, runOptions);
                    steps++;
                }
                while (Stopwatch.GetTimestamp() < freeRunDeadline);
                freeRunSteps[lane] = steps;
                break;
            case LaneWork.Train:
                replicas[lane].Train(current, offset, size, runOptions);
                break;
            default:
                throw new UnreachableException($"Lane work {work}.");
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

    /// <summary>The batch's gradient: the replicas' slice-mean gradients weighted by slice size, times <paramref name="scale"/>.</summary>
    private void CombineGradients(int size, float scale)
    {
        for (int k = 0; k < gradients.Length; k++)
        {
            Span<float> combined = gradients[k].GetTensorMutableDataAsSpan<float>();
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
                    TensorPrimitives.Multiply(part, weight, combined);
                    first = false;
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(part, weight, combined, combined);
                }
            }
        }
    }

    private OrtIoBinding OptimizerBinding(int set)
    {
        OrtIoBinding binding = optimizer.CreateIoBinding();
        binding.BindInput(TrainingModels.LearningRateInput, learningRate);
        binding.BindInput(TrainingModels.StepInput, stepNumber);
        for (int k = 0; k < parameterIndices.Length; k++)
        {
            binding.BindInput(GradientContext.ParameterGradientName(layout[parameterIndices[k]].Name), gradients[k]);
        }

        for (int i = 0; i < layout.Length; i++)
        {
            binding.BindInput(layout[i].Name, tensors[set][i]);
            binding.BindOutput(OptimizerGraph.NextName(layout[i].Name), tensors[1 - set][i]);
        }

        return binding;
    }

    /// <summary>What the lanes do on the next <see cref="ParallelLanes.Run"/>.</summary>
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
