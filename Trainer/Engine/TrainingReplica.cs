using LeNetOnnx.Builder.Autodiff;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>
/// One copy of the training and eval sessions working on one slice of every batch: training
/// reads the engine's shared parameters (either of the two sets) and writes its own gradients,
/// loss and correct count; evaluation runs an eval model frozen at the parameters being evaluated
/// and writes its loss, correct count and slice of the logits. Replicas of one engine run at the
/// same time.
/// </summary>
internal sealed class TrainingReplica : IDisposable
{
    private readonly SessionOptions sessionOptions;
    private readonly InferenceSession training;
    private readonly BatchBuffer batch;
    private readonly float[] logits;
    private readonly OrtIoBinding[] trainBindings = new OrtIoBinding[2];
    private readonly (int Offset, int Size)[] trainBound = [(-1, -1), (-1, -1)];
    private readonly Dictionary<(int Offset, int Size), OrtValue[]> slices = [];
    private readonly OrtValue trainLoss = EngineValues.Scalar(TensorElementType.Float);
    private readonly OrtValue trainCorrect = EngineValues.Scalar(TensorElementType.Int64);
    private readonly OrtValue evalLoss = EngineValues.Scalar(TensorElementType.Float);
    private readonly OrtValue evalCorrect = EngineValues.Scalar(TensorElementType.Int64);
    private InferenceSession? evaluation;
    private OrtIoBinding? evalBinding;
    private (int Offset, int Size) evalBound;

    /// <param name="artifacts">The training model.</param>
    /// <param name="sessionOptions">Options of every session the replica makes; they must outlive it.</param>
    /// <param name="parameters">The engine's two parameter sets, by parameter, as (name, value) pairs.</param>
    /// <param name="batch">The buffer every batch is filled into; the replica reads its slice.</param>
    /// <param name="logits">The engine's logits buffer, <c>[capacity, 10]</c>; the replica writes its slice.</param>
    public TrainingReplica(TrainingModelSet artifacts, SessionOptions sessionOptions, IReadOnlyList<(string Name, OrtValue Value)>[] parameters, BatchBuffer batch, float[] logits)
    {
        this.sessionOptions = sessionOptions;
        this.batch = batch;
        this.logits = logits;
        training = new InferenceSession(artifacts.Training, sessionOptions);
        Gradients = parameters[0].Select(p => EngineValues.LikeShapeOf(p.Value)).ToArray();
        for (int set = 0; set < 2; set++)
        {
            trainBindings[set] = training.CreateIoBinding();
            for (int k = 0; k < parameters[set].Count; k++)
            {
                (string name, OrtValue value) = parameters[set][k];
                trainBindings[set].BindInput(name, value);
                trainBindings[set].BindOutput(GradientContext.ParameterGradientName(name), Gradients[k]);
            }

            trainBindings[set].BindOutput(TrainingModels.LossOutput, trainLoss);
            trainBindings[set].BindOutput(TrainingModels.CorrectOutput, trainCorrect);
        }
    }

    /// <summary>The gradients of the last <see cref="Train"/>, one per parameter in the engine's parameter order.</summary>
    public OrtValue[] Gradients { get; }

    /// <summary>Mean loss and correct count of the last <see cref="Train"/>.</summary>
    public StepResult TrainResult { get; private set; }

    /// <summary>Mean loss and correct count of the last <see cref="Evaluate"/>.</summary>
    public StepResult EvalResult { get; private set; }

    /// <summary>Loss and gradients of the batch examples <c>[offset, offset + size)</c> at parameter set <paramref name="set"/>.</summary>
    public void Train(int set, int offset, int size, RunOptions runOptions)
    {
        BindSlice(trainBindings[set], ref trainBound[set], offset, size, withLogits: false);
        training.RunWithBinding(runOptions, trainBindings[set]);
        TrainResult = ResultOf(trainLoss, trainCorrect, size);
    }

    /// <summary>Makes <paramref name="frozenEvalModel"/> (an eval model frozen at the parameters to evaluate) the model <see cref="Evaluate"/> runs.</summary>
    public void LoadEvaluation(byte[] frozenEvalModel)
    {
        DisposeEvaluation();
        evaluation = new InferenceSession(frozenEvalModel, sessionOptions);
        evalBinding = evaluation.CreateIoBinding();
        evalBinding.BindOutput(TrainingModels.LossOutput, evalLoss);
        evalBinding.BindOutput(TrainingModels.CorrectOutput, evalCorrect);
        evalBound = (-1, -1);
    }

    /// <summary>Loss, correct count and logits of the batch examples <c>[offset, offset + size)</c> through the model of the last <see cref="LoadEvaluation"/>.</summary>
    public void Evaluate(int offset, int size, RunOptions runOptions)
    {
        if (evaluation is null || evalBinding is null)
        {
            throw new InvalidOperationException("No eval model is loaded.");
        }

        BindSlice(evalBinding, ref evalBound, offset, size, withLogits: true);
        evaluation.RunWithBinding(runOptions, evalBinding);
        EvalResult = ResultOf(evalLoss, evalCorrect, size);
    }

    /// <summary>Ends profiling of the replica's sessions (when enabled) and returns their profile files.</summary>
    public IEnumerable<string> EndProfiling() => evaluation is null ? [training.EndProfiling()] : [training.EndProfiling(), evaluation.EndProfiling()];

    public void Dispose()
    {
        DisposeEvaluation();
        foreach (OrtIoBinding binding in trainBindings)
        {
            binding.Dispose();
        }

        foreach (OrtValue value in Gradients.Concat(slices.Values.SelectMany(v => v)).Concat([trainLoss, trainCorrect, evalLoss, evalCorrect]))
        {
            value.Dispose();
        }

        training.Dispose();
    }

    private void DisposeEvaluation()
    {
        evalBinding?.Dispose();
        evaluation?.Dispose();
        (evalBinding, evaluation) = (null, null);
    }

    private static StepResult ResultOf(OrtValue loss, OrtValue correct, int size) =>
        new(loss.GetTensorDataAsSpan<float>()[0], correct.GetTensorDataAsSpan<long>()[0], size);

    /// <summary>Points <paramref name="binding"/> at the slice <c>[offset, offset + size)</c> unless it already is.</summary>
    private void BindSlice(OrtIoBinding binding, ref (int Offset, int Size) bound, int offset, int size, bool withLogits)
    {
        if (bound == (offset, size))
        {
            return;
        }

        OrtValue[] slice = SliceOf(offset, size);
        binding.BindInput(LeNetContract.ImageInput, slice[0]);
        binding.BindInput(TrainingModels.LabelsInput, slice[1]);
        if (withLogits)
        {
            binding.BindOutput(LeNetContract.LogitsOutput, slice[2]);
        }

        bound = (offset, size);
    }

    /// <summary>Image, label and logits values over one slice of the batch buffer, made once per slice.</summary>
    private OrtValue[] SliceOf(int offset, int size)
    {
        if (size < 1 || offset < 0 || offset + size > batch.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A batch holds 1 to {batch.Capacity} examples.");
        }

        if (!slices.TryGetValue((offset, size), out OrtValue[]? values))
        {
            int pixels = batch.PixelsPerImage;
            values =
            [
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Images.Slice(offset * pixels, size * pixels), [size, 1, 28, 28]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.Labels.Slice(offset, size), [size]),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(offset * 10, size * 10), [size, 10]),
            ];
            slices[(offset, size)] = values;
        }

        return values;
    }
}
