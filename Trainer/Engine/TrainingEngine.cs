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
/// arrays between steps.
/// </summary>
public sealed class TrainingEngine : IDisposable
{
    private readonly InferenceSession training;
    private readonly InferenceSession evaluation;
    private readonly InferenceSession optimizer;
    private readonly BatchBuffer batch;
    private readonly CheckpointTensor[] layout;
    private readonly int[] parameterIndices;
    private readonly OrtValue[][] tensors = new OrtValue[2][];
    private readonly OrtValue[] gradients;
    private readonly OrtValue loss = Scalar(TensorElementType.Float);
    private readonly OrtValue correct = Scalar(TensorElementType.Int64);
    private readonly OrtValue evalLoss = Scalar(TensorElementType.Float);
    private readonly OrtValue evalCorrect = Scalar(TensorElementType.Int64);
    private readonly OrtValue learningRate = Scalar(TensorElementType.Float);
    private readonly OrtValue stepNumber = Scalar(TensorElementType.Int64);
    private readonly float[] logits;
    private readonly OrtIoBinding[] trainBindings = new OrtIoBinding[2];
    private readonly OrtIoBinding[] optimizerBindings = new OrtIoBinding[2];
    private readonly OrtIoBinding[] evalBindings = new OrtIoBinding[2];
    private readonly int[] trainBoundSize = [-1, -1];
    private readonly int[] evalBoundSize = [-1, -1];
    private readonly Dictionary<int, OrtValue[]> inputsBySize = [];
    private readonly RunOptions runOptions = new();
    private int current;

    /// <summary>Creates sessions over the artifact models and loads the checkpoint's tensors.</summary>
    /// <param name="artifacts">The training, eval and optimizer models.</param>
    /// <param name="checkpoint">Parameters and optimizer state to start from.</param>
    /// <param name="batch">The buffer batches are filled into; its capacity is the largest batch.</param>
    /// <param name="sessionOptions">Options for the three sessions (device, threads, profiling).</param>
    public TrainingEngine(TrainingModelSet artifacts, Checkpoint checkpoint, BatchBuffer batch, SessionOptions sessionOptions)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentNullException.ThrowIfNull(checkpoint);
        this.batch = batch ?? throw new ArgumentNullException(nameof(batch));
        training = new InferenceSession(artifacts.Training, sessionOptions);
        evaluation = new InferenceSession(artifacts.Evaluation, sessionOptions);
        optimizer = new InferenceSession(artifacts.Optimizer, sessionOptions);
        Checkpoint = checkpoint;
        layout = [.. checkpoint.Tensors];
        parameterIndices = Enumerable.Range(0, layout.Length).Where(i => layout[i].Kind == CheckpointTensorKind.Parameter).ToArray();
        for (int set = 0; set < 2; set++)
        {
            tensors[set] = layout.Select(t => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [.. t.Shape])).ToArray();
        }

        for (int i = 0; i < layout.Length; i++)
        {
            layout[i].Data.CopyTo(tensors[0][i].GetTensorMutableDataAsSpan<float>());
        }

        gradients = parameterIndices.Select(i => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [.. layout[i].Shape])).ToArray();
        logits = GC.AllocateArray<float>(batch.Capacity * 10, pinned: true);
        for (int set = 0; set < 2; set++)
        {
            trainBindings[set] = TrainingBinding(set);
            optimizerBindings[set] = OptimizerBinding(set);
            evalBindings[set] = EvaluationBinding(set);
        }
    }

    /// <summary>The checkpoint the engine started from (its options, variant and layout).</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>
    /// One training step on the <see cref="BatchBuffer.Count"/> examples in the batch buffer with
    /// learning rate <paramref name="rate"/>; <paramref name="step"/> is the 1-based step number.
    /// Returns the loss and correct count before the update.
    /// </summary>
    public StepResult TrainStep(float rate, long step)
    {
        int size = batch.Count;
        OrtIoBinding train = trainBindings[current];
        if (trainBoundSize[current] != size)
        {
            OrtValue[] inputs = InputsFor(size);
            train.BindInput("image", inputs[0]);
            train.BindInput(TrainingModels.LabelsInput, inputs[1]);
            trainBoundSize[current] = size;
        }

        training.RunWithBinding(runOptions, train);
        learningRate.GetTensorMutableDataAsSpan<float>()[0] = rate;
        stepNumber.GetTensorMutableDataAsSpan<long>()[0] = step;
        optimizer.RunWithBinding(runOptions, optimizerBindings[current]);
        current = 1 - current;
        return new StepResult(loss.GetTensorDataAsSpan<float>()[0], correct.GetTensorDataAsSpan<long>()[0], size);
    }

    /// <summary>Loss and correct count of the batch buffer's examples at the current parameters; the logits go to <see cref="Logits"/>.</summary>
    public StepResult Evaluate()
    {
        int size = batch.Count;
        OrtIoBinding eval = evalBindings[current];
        if (evalBoundSize[current] != size)
        {
            OrtValue[] inputs = InputsFor(size);
            eval.BindInput("image", inputs[0]);
            eval.BindInput(TrainingModels.LabelsInput, inputs[1]);
            eval.BindOutput("logits", inputs[2]);
            evalBoundSize[current] = size;
        }

        evaluation.RunWithBinding(runOptions, eval);
        return new StepResult(evalLoss.GetTensorDataAsSpan<float>()[0], evalCorrect.GetTensorDataAsSpan<long>()[0], size);
    }

    /// <summary>The logits of the last <see cref="Evaluate"/>, <c>[count, 10]</c>.</summary>
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

    /// <summary>Ends ONNX Runtime profiling of the three sessions (when enabled) and returns the profile files.</summary>
    public IReadOnlyList<string> EndProfiling() => [training.EndProfiling(), optimizer.EndProfiling(), evaluation.EndProfiling()];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (OrtIoBinding b in trainBindings.Concat(optimizerBindings).Concat(evalBindings))
        {
            b.Dispose();
        }

        foreach (OrtValue v in tensors.SelectMany(t => t).Concat(gradients).Concat(inputsBySize.Values.SelectMany(v => v))
            .Concat([loss, correct, evalLoss, evalCorrect, learningRate, stepNumber]))
        {
            v.Dispose();
        }

        runOptions.Dispose();
        training.Dispose();
        evaluation.Dispose();
        optimizer.Dispose();
    }

    private OrtIoBinding TrainingBinding(int set)
    {
        OrtIoBinding binding = training.CreateIoBinding();
        for (int k = 0; k < parameterIndices.Length; k++)
        {
            int i = parameterIndices[k];
            binding.BindInput(layout[i].Name, tensors[set][i]);
            binding.BindOutput(layout[i].Name + "_grad", gradients[k]);
        }

        binding.BindOutput(TrainingModels.LossOutput, loss);
        binding.BindOutput(TrainingModels.CorrectOutput, correct);
        return binding;
    }

    private OrtIoBinding OptimizerBinding(int set)
    {
        OrtIoBinding binding = optimizer.CreateIoBinding();
        binding.BindInput(TrainingModels.LearningRateInput, learningRate);
        binding.BindInput(TrainingModels.StepInput, stepNumber);
        for (int k = 0; k < parameterIndices.Length; k++)
        {
            binding.BindInput(layout[parameterIndices[k]].Name + "_grad", gradients[k]);
        }

        for (int i = 0; i < layout.Length; i++)
        {
            binding.BindInput(layout[i].Name, tensors[set][i]);
            binding.BindOutput(OptimizerGraph.NextName(layout[i].Name), tensors[1 - set][i]);
        }

        return binding;
    }

    private OrtIoBinding EvaluationBinding(int set)
    {
        OrtIoBinding binding = evaluation.CreateIoBinding();
        foreach (int i in parameterIndices)
        {
            binding.BindInput(layout[i].Name, tensors[set][i]);
        }

        binding.BindOutput(TrainingModels.LossOutput, evalLoss);
        binding.BindOutput(TrainingModels.CorrectOutput, evalCorrect);
        return binding;
    }

    /// <summary>Image, label and logits values over the batch buffer for one batch size, made once per size.</summary>
    private OrtValue[] InputsFor(int size)
    {
        if (size < 1 || size > batch.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A batch holds 1 to {batch.Capacity} examples.");
        }

        if (!inputsBySize.TryGetValue(size, out OrtValue[]? values))
        {
            values =
            [
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Images[..(size * batch.PixelsPerImage)], [size, 1, 28, 28]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Labels[..size], [size]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(0, size * 10), [size, 10]),
            ];
            inputsBySize[size] = values;
        }

        return values;
    }

    private static OrtValue Scalar(TensorElementType type) => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, []);
}
