namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// Watches the training loss step by step and tells when a run has diverged: a loss that is not
/// finite, or a mean over the last <see cref="Window"/> steps above <see cref="Limit"/>, ten times
/// the loss of guessing uniformly among the classes (ln K). A trained or training network stays
/// near or below ln K; a run whose loss sits at ten times that is predicting the wrong class with
/// confidence on average, which a network only does once its weights have blown up. The window
/// runs across epochs; a run of fewer than <see cref="Window"/> steps is stopped only by a loss
/// that is not finite.
/// </summary>
/// <param name="classCount">The number of classes, K.</param>
internal sealed class DivergenceGuard(int classCount)
{
    /// <summary>Steps the running mean covers.</summary>
    public const int Window = 20;

    /// <summary>The running mean above which a run has diverged: 10·ln K.</summary>
    public double Limit { get; } = 10 * Math.Log(classCount);

    private readonly float[] recent = new float[Window];
    private int seen;
    private double sum;

    /// <summary>Takes one step's loss; returns why the run diverged, or null.</summary>
    public string? Observe(float loss)
    {
        if (!float.IsFinite(loss))
        {
            return $"the loss became {loss}";
        }

        int slot = seen % Window;
        sum += loss - (seen >= Window ? recent[slot] : 0);
        recent[slot] = loss;
        seen++;
        double mean = sum / Math.Min(seen, Window);
        return seen >= Window && mean > Limit
            ? FormattableString.Invariant($"the loss averaged {mean:F2} over the last {Window} steps, more than 10 times the {Math.Log(classCount):F2} of a uniform guess")
            : null;
    }
}
