using LeNetOnnx.Builder;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>The named training recipes; every field can also be set by its own option.</summary>
public static class Recipes
{
    /// <summary>d2l's LeNet chapter: classic net, SGD lr 0.9, batch 256, 10 epochs, Xavier init.</summary>
    public static TrainingRecipe D2l { get; } = new()
    {
        Name = "d2l",
        ModelFileName = "lenet-classic.onnx",
        Variant = LeNetVariants.Classic,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 },
        BatchSize = 256,
        Epochs = 10,
    };

    /// <summary>
    /// The PyTorch MNIST tutorial as its source has it: ReLU and max pooling, inputs normalized
    /// by <c>Normalize(0.5, 0.5)</c>, <c>SGD(lr=0.001, momentum=0.9)</c>, batch 64, 10 epochs, and
    /// a network that ends in <c>torch.softmax</c> fed to <c>CrossEntropyLoss</c> (softmax twice:
    /// the loss cannot fall below 1.4612, and training is slow). The running loss is printed every
    /// 200 batches, as the source prints it.
    /// </summary>
    public static TrainingRecipe MnistTutorial { get; } = new()
    {
        Name = "mnist-tutorial",
        Variant = LeNetVariants.ReluMax,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.001, Momentum = 0.9 },
        BatchSize = 64,
        Epochs = 10,
        Loss = new TrainingLoss { OfSoftmax = true },
        RunningLossInterval = 200,
    };

    /// <summary>
    /// The Keras LeNet: tanh and max pooling, <c>Dense(10, activation="softmax")</c> with
    /// categorical cross-entropy (Keras takes it from the logits), glorot_uniform kernels and
    /// zero biases, Keras' Adam (lr 0.001, β 0.9/0.999, ε 1e-7 added to √v), batch 64, 10 epochs,
    /// the test set evaluated after every epoch as <c>validation_data</c> does.
    /// </summary>
    public static TrainingRecipe Keras { get; } = new()
    {
        Name = "keras",
        Variant = LeNetVariants.TanhMax,
        Optimizer = OptimizerOptions.Defaults(OptimizerKind.KerasAdam, 0.001),
        BatchSize = 64,
        Epochs = 10,
    };

    /// <summary>
    /// d2l's MXNet/Gluon LeNet with its data loader's resize: sigmoid and max pooling on the image
    /// resized to 96×96 in the graph, Xavier-uniform weights (MXNet's <c>init.Xavier()</c>), zero
    /// biases, plain SGD lr 0.9, batch 256, 10 epochs, and the summed loss divided by 256 for every
    /// batch (<c>trainer.step(256)</c>), the last one of 96 images included.
    /// </summary>
    public static TrainingRecipe Mxnet { get; } = new()
    {
        Name = "mxnet",
        Variant = LeNetVariants.SigmoidMax96,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 },
        BatchSize = 256,
        Epochs = 10,
        LossDivisor = 256,
    };

    /// <summary>
    /// LeNet-5 as LeCun et al. published it in 1998, trained well: the <c>original</c> network
    /// (32×32 input, scaled tanh, trainable subsampling, the C3 table, C5 as a convolution) with
    /// the paper's initialization U(±2.4/F_in), 20 passes as in the paper; SGD with Nesterov
    /// momentum and a cosine schedule instead of the paper's stochastic diagonal
    /// Levenberg–Marquardt with its stepped schedule.
    /// </summary>
    public static TrainingRecipe Lenet1998 { get; } = new()
    {
        Name = "lenet1998",
        ModelFileName = "lenet-1998.onnx",
        Variant = LeNetVariants.Original with { Init = WeightInit.Lecun1998 },
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.02, Momentum = 0.9, Nesterov = true },
        BatchSize = 64,
        Epochs = 20,
        Schedule = LearningRateScheduleKind.WarmupCosine,
    };

    /// <summary>
    /// Our best within a LeNet-5-sized network (61,706 parameters): the <c>modern</c> variant,
    /// Adam lr 0.002 with one epoch of warm-up and cosine decay, batch 128, 30 epochs,
    /// random shifts of up to 2 pixels and horizontal flips. 0.9125 test accuracy on Fashion-MNIST.
    /// </summary>
    public static TrainingRecipe Best { get; } = new()
    {
        Name = "best",
        Variant = LeNetVariants.Modern,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.002 },
        BatchSize = 128,
        Epochs = 30,
        Schedule = LearningRateScheduleKind.WarmupCosine,
        Augmentation = new Augmentation { MaxShift = 2, HorizontalFlip = true, Seed = 1 },
        Loss = new TrainingLoss { LabelSmoothing = 0.1 },
    };

    /// <summary>Every recipe.</summary>
    public static IReadOnlyList<TrainingRecipe> All { get; } = [D2l, Best, MnistTutorial, Keras, Mxnet, Lenet1998];

    /// <summary>The recipe names.</summary>
    public static IReadOnlyList<string> Names => All.Select(r => r.Name).ToArray();

    /// <summary>A recipe by name, or an error listing the names.</summary>
    public static TrainingRecipe Get(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOptionException($"Unknown recipe '{name}'; use one of: {string.Join(", ", Names)}.");
}
