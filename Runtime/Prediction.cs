using System.Globalization;

namespace LeNetOnnx.Runtime;

/// <summary>The classification of one image.</summary>
/// <param name="Label">The predicted label: the class with the largest logit, an index into <see cref="LeNetClassifier.Labels"/>.</param>
/// <param name="LabelName">The class name of <paramref name="Label"/>, e.g. <c>Sneaker</c>.</param>
/// <param name="Probability">The probability of <paramref name="Label"/>.</param>
/// <param name="Probabilities">The probability of every class, in label order.</param>
public sealed record Prediction(int Label, string LabelName, float Probability, IReadOnlyList<float> Probabilities)
{
    /// <summary>The label, its name and its probability, e.g. <c>7 Sneaker (p = 0.912)</c>.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} {LabelName} (p = {Probability:0.###})");
}
