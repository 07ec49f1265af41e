using System.Numerics.Tensors;

namespace LeNetOnnx.Runtime;

/// <summary>
/// The model contract's input scale: a grey pixel of 0 (black background) to 255 (white ink)
/// becomes the float32 <c>pixel / 255</c>, a division (as PyTorch's <c>ToTensor</c> does), not a
/// multiplication by 1/255, which differs in the last bit for some pixels. Everything that feeds
/// a LeNetOnnx model (training batches, the classifier's byte overloads, served requests,
/// converted pictures) scales through here, so every path gives a model the same floats.
/// </summary>
/// <example><c>PixelScale.Scale(idxImage, input);   // 784 bytes to 784 floats in 0..1</c></example>
public static class PixelScale
{
    /// <summary>The pixel value that scales to 1.</summary>
    public const float Maximum = 255f;

    /// <summary>One pixel value, 0 to <see cref="Maximum"/> (fractions allowed), scaled.</summary>
    public static float Of(float pixel) => pixel / Maximum;

    /// <summary>
    /// Writes <paramref name="pixels"/> scaled into the start of <paramref name="destination"/>,
    /// vectorised; each float is the correctly rounded quotient of the exactly converted byte.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="pixels"/>.</exception>
    public static void Scale(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {pixels.Length} pixels need as many.", nameof(destination));
        }

        Span<float> scaled = destination[..pixels.Length];
        TensorPrimitives.ConvertTruncating<byte, float>(pixels, scaled);
        TensorPrimitives.Divide(scaled, Maximum, scaled);
    }
}
