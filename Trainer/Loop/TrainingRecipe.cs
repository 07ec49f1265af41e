using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>Everything that decides a training run's numbers: network, optimizer, schedule, data order.</summary>
public sealed record TrainingRecipe
{
    /// <summary>The recipe's name, written into checkpoints and model metadata.</summary>
    public required string Name { get; init; }

    /// <summary>The network.</summary>
    public required LeNetOptions Variant { get; init; }

    /// <summary>The optimizer; its learning rate is the schedule's base rate.</summary>
    public required OptimizerOptions Optimizer { get; init; }

    /// <summary>Examples per step (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed of the initial weights, the shuffling and the augmentation.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>Training-time augmentation (none by default).</summary>
    public Augmentation Augmentation { get; init; }

    /// <summary>The data set: "fashion-mnist" or "mnist".</summary>
    public string DataSet { get; init; } = "fashion-mnist";

    /// <summary>
    /// ε of label smoothing in the training loss (0: plain cross-entropy): the targets become
    /// (1 − ε)·one_hot + ε/10, which keeps the logits moderate and the model calibrated.
    /// </summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Train on only the first N training images (a quick experiment); null: all of them. The test set is always whole.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad value.</summary>
    public TrainingRecipe Validate()
    {
        Optimizer.Validate();
        if (BatchSize is < 1 or > 65_536)
        {
            throw new ArgumentException($"The batch size must be 1 to 65,536, got {BatchSize}.");
        }

        if (Epochs is < 1 or > 10_000)
        {
            throw new ArgumentException($"The number of epochs must be 1 to 10,000, got {Epochs}.");
        }

        if (!(LabelSmoothing is >= 0 and < 1))
        {
            throw new ArgumentException($"Label smoothing must be 0 to below 1, got {LabelSmoothing}.");
        }

        if (TrainImages is < 1)
        {
            throw new ArgumentException($"The number of training images must be at least 1, got {TrainImages}.");
        }

        return DataSet is "fashion-mnist" or "mnist" ? this : throw new ArgumentException($"Unknown data set '{DataSet}'; use fashion-mnist or mnist.");
    }
}
