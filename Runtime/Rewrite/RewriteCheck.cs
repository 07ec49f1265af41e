using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime.Rewrite;

/// <summary>
/// Checks a rewritten model against its original before it is used: both run the same probe images
/// (blank, full ink, stripes, a checkerboard, a ramp and seeded noise) and every logit and
/// probability must agree to <see cref="Tolerance"/> (relative above 1).
/// </summary>
internal static class RewriteCheck
{
    /// <summary>The largest difference allowed, the parity suite's bound.</summary>
    public const double Tolerance = 1e-5;

    private const int ProbeCount = 8;

    /// <summary>The probe images, pixel/255, row-major, one after another.</summary>
    public static float[] ProbeImages()
    {
        const int size = LeNetClassifier.ImageSize;
        float[] images = new float[ProbeCount * LeNetClassifier.PixelsPerImage];
        uint state = 2463534242;
        for (int n = 0; n < ProbeCount; n++)
        {
            Span<float> image = images.AsSpan(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    // xorshift32: the same noise on every machine.
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    image[(y * size) + x] = n switch
                    {
                        0 => 0f,
                        1 => 1f,
                        2 => x % 2,
                        3 => y % 3 == 0 ? 1f : 0f,
                        4 => (x + y) % 2,
                        5 => (x + y) / (2f * (size - 1)),
                        6 => (state >> 8) / 16777216f,
                        _ => (state & 3) == 0 ? (state >> 8) / 16777216f : 0f,
                    };
                }
            }
        }

        return images;
    }

    /// <summary>Whether <paramref name="rewritten"/> gives <paramref name="original"/>'s outputs on the probes.</summary>
    public static bool Agrees(InferenceSession original, InferenceSession rewritten)
    {
        float[] probes = ProbeImages();
        using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        using var expected = new BoundRun(original, ProbeCount);
        using var actual = new BoundRun(rewritten, ProbeCount);
        expected.Write(probes);
        actual.Write(probes);
        expected.Run(original, runOptions);
        actual.Run(rewritten, runOptions);
        return Close(expected.Logits, actual.Logits) && Close(expected.Probabilities, actual.Probabilities);
    }

    private static bool Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = Tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= bound))
            {
                return false;
            }
        }

        return true;
    }
}
