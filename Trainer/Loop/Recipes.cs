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
        Variant = LeNetVariants.Classic,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.9 },
        BatchSize = 256,
        Epochs = 10,
    };

    /// <summary>The PyTorch MNIST tutorial's LeNet: ReLU and max pooling, SGD lr 0.01 with momentum 0.9, batch 64.</summary>
    public static TrainingRecipe MnistTutorial { get; } = new()
    {
        Name = "mnist-tutorial",
        Variant = LeNetVariants.ReluMax,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0.9 },
        BatchSize = 64,
        Epochs = 10,
    };

    /// <summary>The Keras seed: tanh and max pooling, Adam lr 0.001, batch 64.</summary>
    public static TrainingRecipe Keras { get; } = new()
    {
        Name = "keras",
        Variant = LeNetVariants.TanhMax,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.001 },
        BatchSize = 64,
        Epochs = 10,
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
        LabelSmoothing = 0.1,
    };

    /// <summary>Every recipe.</summary>
    public static IReadOnlyList<TrainingRecipe> All { get; } = [D2l, Best, MnistTutorial, Keras];

    /// <summary>The recipe names.</summary>
    public static IReadOnlyList<string> Names => All.Select(r => r.Name).ToArray();

    /// <summary>A recipe by name, or an error listing the names.</summary>
    public static TrainingRecipe Get(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown recipe '{name}'; use one of: {string.Join(", ", Names)}.");
}
