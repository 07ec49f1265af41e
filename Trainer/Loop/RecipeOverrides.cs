using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// Changes to a named recipe, one per option a user gave; null leaves the recipe's own value.
/// Choosing another optimizer starts from that optimizer's library defaults with the recipe's
/// learning rate, then applies the optimizer values given.
/// </summary>
/// <example>
/// <code>
/// TrainingRecipe quick = new RecipeOverrides { Epochs = 1, TrainImages = 4096 }.ApplyTo(Recipes.D2l);
/// </code>
/// </example>
public sealed record RecipeOverrides
{
    /// <summary>Another network (its default initialization).</summary>
    public LeNetOptions? Variant { get; init; }

    /// <summary>Another optimizer.</summary>
    public OptimizerKind? Optimizer { get; init; }

    /// <summary>The learning rate.</summary>
    public double? LearningRate { get; init; }

    /// <summary>SGD momentum.</summary>
    public double? Momentum { get; init; }

    /// <summary>SGD dampening.</summary>
    public double? Dampening { get; init; }

    /// <summary>SGD Nesterov momentum.</summary>
    public bool? Nesterov { get; init; }

    /// <summary>Weight decay.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Adam's β₁.</summary>
    public double? Beta1 { get; init; }

    /// <summary>Adam's β₂.</summary>
    public double? Beta2 { get; init; }

    /// <summary>Adam's ε.</summary>
    public double? Epsilon { get; init; }

    /// <summary>The batch size.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The number of epochs.</summary>
    public int? Epochs { get; init; }

    /// <summary>The seed of weights, shuffling and augmentation.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateScheduleKind? Schedule { get; init; }

    /// <summary>Augmentation: the largest random shift.</summary>
    public int? MaxShift { get; init; }

    /// <summary>Augmentation: random horizontal flips.</summary>
    public bool? HorizontalFlip { get; init; }

    /// <summary>The data set.</summary>
    public string? DataSet { get; init; }

    /// <summary>Label smoothing ε of the training loss.</summary>
    public double? LabelSmoothing { get; init; }

    /// <summary>Train on the first N training images only.</summary>
    public int? TrainImages { get; init; }

    /// <summary>The recipe with these changes; the recipe's seed seeds its augmentation too.</summary>
    /// <exception cref="ArgumentException">The result is not a valid recipe (the message names the value).</exception>
    public TrainingRecipe ApplyTo(TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        OptimizerOptions o = Optimizer is { } kind && kind != recipe.Optimizer.Kind
            ? OptimizerOptions.Defaults(kind, recipe.Optimizer.LearningRate)
            : recipe.Optimizer;
        o = o with
        {
            LearningRate = LearningRate ?? o.LearningRate,
            Momentum = Momentum ?? o.Momentum,
            Dampening = Dampening ?? o.Dampening,
            Nesterov = Nesterov ?? o.Nesterov,
            WeightDecay = WeightDecay ?? o.WeightDecay,
            Beta1 = Beta1 ?? o.Beta1,
            Beta2 = Beta2 ?? o.Beta2,
            Epsilon = Epsilon ?? o.Epsilon,
        };
        ulong seed = Seed ?? recipe.Seed;
        return (recipe with
        {
            Variant = Variant ?? recipe.Variant,
            Optimizer = o,
            BatchSize = BatchSize ?? recipe.BatchSize,
            Epochs = Epochs ?? recipe.Epochs,
            Seed = seed,
            Schedule = Schedule ?? recipe.Schedule,
            Augmentation = recipe.Augmentation with
            {
                MaxShift = MaxShift ?? recipe.Augmentation.MaxShift,
                HorizontalFlip = HorizontalFlip ?? recipe.Augmentation.HorizontalFlip,
                Seed = seed,
            },
            DataSet = DataSet ?? recipe.DataSet,
            Loss = recipe.Loss with { LabelSmoothing = LabelSmoothing ?? recipe.Loss.LabelSmoothing },
            TrainImages = TrainImages ?? recipe.TrainImages,
        }).Validate();
    }
}
