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

    /// <summary>Writes raw pixels as pixel/255, exactly as the byte overloads of Classify do.</summary>
    /// <remarks>Vectorised; each float is the correctly rounded quotient of the exactly converted pixel by 255.</remarks>
    internal static void Scale(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        Span<float> scaled = destination[..pixels.Length];
        TensorPrimitives.ConvertTruncating<byte, float>(pixels, scaled);
        TensorPrimitives.Divide(scaled, 255f, scaled);
    }

    /// <summary>The prediction of one image from its logits and its probabilities, which the prediction keeps.</summary>
    internal Prediction PredictionOf(ReadOnlySpan<float> logits, float[] probabilities) => ToPrediction(logits, probabilities);
}
