using System.Globalization;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// The running training loss a source's loop prints every N batches: the mean of the last N
/// batch losses, as <c>[epoch, batch] loss: 0.123</c> (the PyTorch tutorials' format). The sum
/// restarts with every epoch, so a resumed run prints what an uninterrupted one would from the
/// next full interval on.
/// </summary>
/// <param name="interval">Batches per printed line.</param>
public sealed class RunningLoss(int interval)
{
    private readonly int interval = interval > 0 ? interval : throw new ArgumentOutOfRangeException(nameof(interval), interval, "At least one batch per line.");
    private int epoch = -1;
    private double sum;
    private int count;

    /// <summary>Takes a step; returns the line to print when it completes an interval, else null.</summary>
    public string? Add(StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Epoch != epoch)
        {
            (epoch, sum, count) = (step.Epoch, 0, 0);
        }

        sum += step.Loss;
        count++;
        if (step.Batch % interval != 0)
        {
            return null;
        }

        string line = string.Create(CultureInfo.InvariantCulture, $"[{step.Epoch}, {step.Batch,5}] loss: {sum / count:F3}");
        (sum, count) = (0, 0);
        return line;
    }
}
