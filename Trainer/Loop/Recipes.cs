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

    /// <summary>Every recipe.</summary>
    public static IReadOnlyList<TrainingRecipe> All { get; } = [D2l, MnistTutorial, Keras];

    /// <summary>The recipe names.</summary>
    public static IReadOnlyList<string> Names => All.Select(r => r.Name).ToArray();

    /// <summary>A recipe by name, or an error listing the names.</summary>
    public static TrainingRecipe Get(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown recipe '{name}'; use one of: {string.Join(", ", Names)}.");
}
