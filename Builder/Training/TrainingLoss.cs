using System.Globalization;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// The loss the training model differentiates: the mean softmax cross-entropy of the logits,
/// with optional label smoothing, or, as some tutorials write it by mistake, of the softmax's
/// output (softmax applied twice).
/// </summary>
public readonly record struct TrainingLoss
{
    /// <summary>
    /// ε of label smoothing, 0 (plain cross-entropy) to below 1: the targets become
    /// (1 − ε)·one_hot + ε/K, as torch's <c>cross_entropy(label_smoothing=ε)</c>.
    /// </summary>
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// True: the cross-entropy is taken of <c>softmax(logits)</c> as if those were the scores, as
    /// a network ending in <c>torch.softmax</c> fed to <c>nn.CrossEntropyLoss</c> computes. The
    /// probabilities lie in [0, 1], so the loss cannot fall below ln(1 + (K−1)/e) (1.4612 for ten
    /// classes) and its gradients are smaller: training is slower. The model's logits stay the
    /// scores before the softmax.
    /// </summary>
    public bool OfSoftmax { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad value.</summary>
    public TrainingLoss Validate() => LabelSmoothing is >= 0 and < 1
        ? this
        : throw new InvalidOptionException($"Label smoothing must be 0 to below 1, got {LabelSmoothing.ToString(CultureInfo.InvariantCulture)}.");

    /// <summary>The loss's choices as metadata pairs (none for plain cross-entropy of the logits).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (LabelSmoothing > 0)
        {
            pairs.Add(new("lenet.loss.label_smoothing", LabelSmoothing.ToString("R", CultureInfo.InvariantCulture)));
        }

        if (OfSoftmax)
        {
            pairs.Add(new("lenet.loss.input", "softmax(logits)"));
        }

        return pairs;
    }

    /// <summary>A short phrase for a recipe's one-line description; empty for plain cross-entropy.</summary>
    public string Summary() => string.Join(
        ", ",
        new[]
        {
            LabelSmoothing > 0 ? string.Create(CultureInfo.InvariantCulture, $"label smoothing {LabelSmoothing}") : null,
            OfSoftmax ? "cross-entropy of the softmax output" : null,
        }.OfType<string>());
}
