namespace LeNetOnnx.Runtime.Benchmarks;

/// <summary>Seeded inputs: the same pixels on every run and machine.</summary>
internal static class Images
{
    /// <summary><paramref name="batch"/> images as pixel/255.</summary>
    public static float[] Floats(int batch, int seed)
    {
        byte[] pixels = Bytes(batch, seed);
        return Array.ConvertAll(pixels, p => p / 255f);
    }

    /// <summary><paramref name="batch"/> images of raw 0..255 pixels.</summary>
    public static byte[] Bytes(int batch, int seed)
    {
        byte[] pixels = new byte[batch * LeNetClassifier.PixelsPerImage];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
