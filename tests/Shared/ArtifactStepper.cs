using LeNetOnnx.Builder.Training;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Tests;

/// <summary>
/// A plain, test-only training loop over the artifacts: run the training model, then the
/// optimizer model, keeping parameters and state in managed arrays. The Trainer has the fast loop;
/// this one is deliberately simple so it checks the artifacts' contract, not the Trainer.
/// </summary>
internal sealed class ArtifactStepper : IDisposable
{
    private readonly InferenceSession training;
    private readonly InferenceSession optimizer;
    private readonly Dictionary<string, (long[] Shape, float[] Data)> tensors;
    private readonly string[] parameterNames;
    private readonly OptimizerOptions options;

    public ArtifactStepper(TrainingArtifacts artifacts)
    {
        var sessionOptions = new SessionOptions { IntraOpNumThreads = 1 };
        training = new InferenceSession(artifacts.TrainingModel, sessionOptions);
        optimizer = new InferenceSession(artifacts.OptimizerModel, sessionOptions);
        tensors = artifacts.Checkpoint.Tensors.ToDictionary(t => t.Name, t => (t.Shape.ToArray(), (float[])t.Data.Clone()));
        parameterNames = artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter).Select(t => t.Name).ToArray();
        options = artifacts.Checkpoint.Optimizer;
    }

    public long Step { get; private set; }

    public IReadOnlyList<string> ParameterNames => parameterNames;

    public float[] this[string name] => tensors[name].Data;

    /// <summary>Loss and gradients (by parameter name) of one batch at the current parameters.</summary>
    public (float Loss, long Correct, Dictionary<string, float[]> Gradients) Gradients(float[] images, long[] labels)
    {
        int batch = labels.Length;
        var inputs = new Dictionary<string, OrtValue>
        {
            [TrainingModels.LabelsInput] = OrtValue.CreateTensorValueFromMemory(labels, [batch]),
            ["image"] = OrtValue.CreateTensorValueFromMemory(images, [batch, 1, 28, 28]),
        };
        foreach (string p in parameterNames)
        {
            inputs[p] = OrtValue.CreateTensorValueFromMemory(tensors[p].Data, tensors[p].Shape);
        }

        string[] outputs = [TrainingModels.LossOutput, TrainingModels.CorrectOutput, .. parameterNames.Select(p => p + "_grad")];
        try
        {
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = training.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), outputs);
            var gradients = new Dictionary<string, float[]>();
            for (int i = 0; i < parameterNames.Length; i++)
            {
                gradients[parameterNames[i]] = results[i + 2].GetTensorDataAsSpan<float>().ToArray();
            }

            return (results[0].GetTensorDataAsSpan<float>()[0], results[1].GetTensorDataAsSpan<long>()[0], gradients);
        }
        finally
        {
            foreach (OrtValue v in inputs.Values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>One training step; returns the loss before the update.</summary>
    public float TrainStep(float[] images, long[] labels, float learningRate)
    {
        (float loss, _, Dictionary<string, float[]> gradients) = Gradients(images, labels);
        Step++;
        var inputs = new Dictionary<string, OrtValue>
        {
            [TrainingModels.LearningRateInput] = OrtValue.CreateTensorValueFromMemory(new[] { learningRate }, []),
            [TrainingModels.StepInput] = OrtValue.CreateTensorValueFromMemory(new[] { Step }, []),
        };
        var outputs = new List<string>();
        foreach (string p in parameterNames)
        {
            inputs[p] = OrtValue.CreateTensorValueFromMemory(tensors[p].Data, tensors[p].Shape);
            inputs[p + "_grad"] = OrtValue.CreateTensorValueFromMemory(gradients[p], tensors[p].Shape);
            outputs.Add(p);
            foreach (string s in options.StateNames)
            {
                string name = OptimizerGraph.StateName(p, s);
                inputs[name] = OrtValue.CreateTensorValueFromMemory(tensors[name].Data, tensors[name].Shape);
                outputs.Add(name);
            }
        }

        try
        {
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = optimizer.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), outputs.Select(OptimizerGraph.NextName).ToArray());
            for (int i = 0; i < outputs.Count; i++)
            {
                results[i].GetTensorDataAsSpan<float>().CopyTo(tensors[outputs[i]].Data);
            }
        }
        finally
        {
            foreach (OrtValue v in inputs.Values)
            {
                v.Dispose();
            }
        }

        return loss;
    }

    public void Dispose()
    {
        training.Dispose();
        optimizer.Dispose();
    }
}
