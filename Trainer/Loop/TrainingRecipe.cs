using LeNetOnnx.Builder;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>Everything that decides a training run's numbers: network, optimizer, schedule, data order.</summary>
public sealed record TrainingRecipe
{
    /// <summary>The recipe's name, written into checkpoints and model metadata.</summary>
    public required string Name { get; init; }

    /// <summary>The file name its model is exported under by default (in <c>models/</c>): <c>lenet-&lt;name&gt;.onnx</c> unless the recipe says otherwise.</summary>
    public string ModelFileName
    {
        get => field ?? $"lenet-{Name}.onnx";
        init;
    }

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

    /// <summary>The data set, one of <see cref="DataSetCatalog.Names"/>.</summary>
    public string DataSet { get; init; } = DataSetCatalog.FashionMnistName;

    /// <summary>The training loss: label smoothing, or the cross-entropy of the softmax's output.</summary>
    public TrainingLoss Loss { get; init; }

    /// <summary>
    /// Null: a step follows the mean loss of its batch. A number N: the batch's summed loss divided
    /// by N, as MXNet's <c>trainer.step(N)</c> rescales the gradient of a summed loss; a last batch
    /// smaller than N then takes a proportionally smaller step. The reported loss stays the mean.
    /// </summary>
    public int? LossDivisor { get; init; }

    /// <summary>
    /// Print the running mean of the training loss every N batches, as a source's loop prints it
    /// (<c>[epoch, batch] loss: 0.123</c>); null: one line per epoch only.
    /// </summary>
    public int? RunningLossInterval { get; init; }

    /// <summary>Train on only the first N training images (a quick experiment); null: all of them. The test set is always whole.</summary>
    public int? TrainImages { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad value.</summary>
    public TrainingRecipe Validate()
    {
        Optimizer.Validate();
        if (BatchSize is < 1 or > 65_536)
        {
            throw new InvalidOptionException($"The batch size must be 1 to 65,536, got {BatchSize}.");
        }

        if (Epochs is < 1 or > 10_000)
        {
            throw new InvalidOptionException($"The number of epochs must be 1 to 10,000, got {Epochs}.");
        }

        Loss.Validate();
        if (LossDivisor is < 1 or > 65_536)
        {
            throw new InvalidOptionException($"The loss divisor must be 1 to 65,536, got {LossDivisor}.");
        }

        if (RunningLossInterval is < 1)
        {
            throw new InvalidOptionException($"The running loss interval must be at least 1 batch, got {RunningLossInterval}.");
        }

        if (TrainImages is < 1)
        {
            throw new InvalidOptionException($"The number of training images must be at least 1, got {TrainImages}.");
        }

        return DataSetCatalog.Contains(DataSet) ? this : throw new InvalidOptionException($"Unknown data set '{DataSet}'; use one of: {string.Join(", ", DataSetCatalog.Names)}.");
    }
}
