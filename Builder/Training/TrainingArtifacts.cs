using System.Globalization;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// Everything a runtime needs to train a LeNet-5 variant with an optimizer, in the spirit of
/// ONNX Runtime's on-device training artifacts but with standard operators only: training,
/// eval, optimizer and inference models plus an initial checkpoint.
/// </summary>
/// <example><c>TrainingArtifacts.Create(LeNetVariants.Classic, new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 }).WriteTo("artifacts");</c></example>
public sealed class TrainingArtifacts
{
    /// <summary>File name of the training model.</summary>
    public const string TrainingModelFile = "training_model.onnx";

    /// <summary>File name of the eval model.</summary>
    public const string EvalModelFile = "eval_model.onnx";

    /// <summary>File name of the optimizer model.</summary>
    public const string OptimizerModelFile = "optimizer_model.onnx";

    /// <summary>File name of the inference model.</summary>
    public const string InferenceModelFile = "inference_model.onnx";

    /// <summary>File name of the checkpoint.</summary>
    public const string CheckpointFileName = "checkpoint.lnck";

    private readonly LeNetOptions variant;
    private readonly ulong seed;
    private readonly int opset;

    private TrainingArtifacts(LeNetOptions variant, ulong seed, int opset, byte[] training, byte[] eval, byte[] optimizer, byte[] inference, Checkpoint checkpoint)
    {
        this.variant = variant;
        this.seed = seed;
        this.opset = opset;
        TrainingModel = training;
        EvalModel = eval;
        OptimizerModel = optimizer;
        InferenceModel = inference;
        Checkpoint = checkpoint;
    }

    /// <summary>The training model (ONNX bytes).</summary>
    public byte[] TrainingModel { get; }

    /// <summary>The eval model (ONNX bytes).</summary>
    public byte[] EvalModel { get; }

    /// <summary>The optimizer model (ONNX bytes).</summary>
    public byte[] OptimizerModel { get; }

    /// <summary>The inference model with the initial weights (ONNX bytes).</summary>
    public byte[] InferenceModel { get; }

    /// <summary>The initial checkpoint: seeded weights, zero optimizer state, step 0.</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>Builds the artifacts of <paramref name="variant"/> trained with <paramref name="optimizer"/>.</summary>
    /// <param name="variant">The LeNet-5 variant.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="opset">Default-domain opset.</param>
    /// <param name="weights">Initial weights instead of seeded ones, e.g. from <see cref="LeNetModelReader"/>.</param>
    /// <param name="loss">The training model's loss (label smoothing, softmax first); see <see cref="TrainingModels.Training"/>.</param>
    /// <param name="labels">The class names of the data set to train on, for the models' metadata; null for Fashion-MNIST's.</param>
    public static TrainingArtifacts Create(LeNetOptions variant, OptimizerOptions optimizer, ulong seed = 1, int opset = Opset.Default, IReadOnlyDictionary<string, float[]>? weights = null, TrainingLoss loss = default, IReadOnlyList<string>? labels = null)
    {
        optimizer.Validate();
        LeNetModel inference = LeNet5.Build(variant, seed, opset, weights, labels);
        Graph training = TrainingModels.Training(variant, seed, opset, weights, loss);
        Graph eval = TrainingModels.Evaluation(variant, seed, opset);
        Graph optimizerGraph = TrainingModels.Optimizer(training.Parameters, optimizer, opset);
        var trainingMetadata = new List<KeyValuePair<string, string>>
        {
            new(LeNetContract.Keys.Variant, variant.Variant),
            new(LeNetContract.Keys.Labels, inference.Metadata.First(m => m.Key == LeNetContract.Keys.Labels).Value),
            new(LeNetContract.Keys.Input, LeNetContract.InputConvention),
            new(LeNetContract.Keys.Seed, seed.ToString(CultureInfo.InvariantCulture)),
        };
        byte[] Write(Graph g, string role, IEnumerable<KeyValuePair<string, string>> extra) => OnnxModelWriter.ToBytes(g, new ModelDescription
        {
            DocString = $"LeNet-5 '{variant.Variant}' {role} model built by LeNetOnnx: standard ai.onnx operators only.",
            Metadata = [new("lenet.artifact", role), .. trainingMetadata, .. extra],
            Parameters = ParameterPlacement.Inputs,
        });

        var tensors = new List<CheckpointTensor>();
        tensors.AddRange(training.Parameters.Select(p => new CheckpointTensor(p.Name, CheckpointTensorKind.Parameter, p.Data!.Dims, (float[])p.Data.Floats!.Clone())));
        foreach (Value p in training.Parameters)
        {
            tensors.AddRange(optimizer.StateNames.Select(s => new CheckpointTensor(OptimizerGraph.StateName(p.Name, s), CheckpointTensorKind.OptimizerState, p.Data!.Dims, new float[p.Data.Floats!.Length])));
        }

        var checkpoint = new Checkpoint
        {
            Variant = variant.Variant,
            Opset = opset,
            Seed = seed,
            Optimizer = optimizer,
            Tensors = tensors,
        };
        IEnumerable<KeyValuePair<string, string>> optimizerMetadata = optimizer.Describe().Select(p => KeyValuePair.Create("lenet.optimizer." + p.Key, p.Value));
        return new TrainingArtifacts(
            variant,
            seed,
            opset,
            Write(training, "training", loss.Describe()),
            Write(eval, "eval", []),
            Write(optimizerGraph, "optimizer", optimizerMetadata),
            inference.ToOnnxBytes(),
            checkpoint);
    }

    /// <summary>
    /// The eval model frozen at <paramref name="weights"/> (ONNX bytes): the same inputs
    /// (<c>image</c>, <c>labels</c>) and outputs as <see cref="EvalModel"/>, with every parameter an
    /// initializer holding its value, and the convolutions before average pooling built as their
    /// pooling phases as in the training model. A runtime can then fold and prepack the weights
    /// (ONNX Runtime's blocked convolutions need constant weights), which is worth a session per
    /// set of weights when a whole test set is evaluated at them.
    /// </summary>
    /// <param name="weights">Every parameter's value, by name (e.g. a checkpoint's parameters).</param>
    /// <exception cref="ArgumentException">A parameter is missing from <paramref name="weights"/>.</exception>
    public byte[] FrozenEvalModel(IReadOnlyDictionary<string, float[]> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Graph eval = TrainingModels.Evaluation(variant, seed, opset, weights, poolingPhases: true);
        return OnnxModelWriter.ToBytes(eval, new ModelDescription
        {
            DocString = $"LeNet-5 '{variant.Variant}' eval model frozen at given weights, built by LeNetOnnx: standard ai.onnx operators only.",
            Metadata = [new("lenet.artifact", "eval-frozen"), new(LeNetContract.Keys.Variant, variant.Variant)],
            Parameters = ParameterPlacement.Initializers,
        });
    }

    /// <summary>The files, by name, in the order they are written.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Files =>
    [
        new(TrainingModelFile, TrainingModel),
        new(EvalModelFile, EvalModel),
        new(OptimizerModelFile, OptimizerModel),
        new(InferenceModelFile, InferenceModel),
        new(CheckpointFileName, CheckpointFile.Serialize(Checkpoint)),
    ];

    /// <summary>Writes every file into <paramref name="directory"/>, which must be new or empty; it appears whole or not at all.</summary>
    public void WriteTo(string directory) => AtomicDirectory.Write(directory, Files);
}
