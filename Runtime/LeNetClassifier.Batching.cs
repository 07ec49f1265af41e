using System.Numerics.Tensors;

namespace LeNetOnnx.Runtime;

/// <content>
/// What <see cref="BatchingClassifier"/> shares with the direct calls, so a queued image is checked,
/// scaled and answered by the same rules.
/// </content>
public sealed partial class LeNetClassifier
{
    /// <summary>Throws the <see cref="ArgumentException"/> <see cref="Classify(ReadOnlySpan{float})"/> would for this image.</summary>
    internal static void CheckImage(ReadOnlySpan<float> image, string paramName)
    {
        CheckOneImage(image.Length, paramName);
        int bad = IndexOfNonFinite(image);
        if (bad >= 0)
        {
            Throw.PixelNotFinite(paramName, bad, image[bad]);
        }
    }

    /// <summary>Throws the <see cref="ArgumentException"/> <see cref="Classify(ReadOnlySpan{byte})"/> would for this image.</summary>
    internal static void CheckImage(ReadOnlySpan<byte> image, string paramName) => CheckOneImage(image.Length, paramName);

    /// <summary>The prediction of one image from its logits and its probabilities, which the prediction keeps.</summary>
    internal Prediction PredictionOf(ReadOnlySpan<float> logits, float[] probabilities) => ToPrediction(logits, probabilities);
}
