using System.Runtime.CompilerServices;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Where each pixel of a 28x28 image goes in the session's input tensor. <see cref="Plain"/> is the
/// model contract's <c>[N, 1, 28, 28]</c>. A space-to-depth layout (<see cref="SpaceToDepth"/>) is
/// the image zero-padded by <c>pad</c> on every side, then cut into 2x2 blocks whose four pixels
/// become four channels: <c>[N, 4, (28 + 2·pad) / 2, (28 + 2·pad) / 2]</c>, channel
/// <c>2·(row parity) + column parity</c> of the padded image, as ONNX's SpaceToDepth orders them.
/// Writing an image touches only its pixels' places, so the padding of a zeroed buffer stays zero.
/// </summary>
internal sealed class InputLayout
{
    private readonly int[] placeOfPixel;

    private InputLayout(string name, int channels, int side, int[] placeOfPixel)
    {
        // Scatter relies on it: pixels 0, 2, 4, ... of a row and 1, 3, 5, ... sit in consecutive places.
        for (int i = 0; i + 2 < placeOfPixel.Length; i++)
        {
            if (i % LeNetClassifier.ImageSize < LeNetClassifier.ImageSize - 2 && placeOfPixel[i + 2] != placeOfPixel[i] + (channels == 1 ? 2 : 1))
            {
                throw new ArgumentException("Pixels two apart in a row must land in neighbouring places.", nameof(placeOfPixel));
            }
        }

        Name = name;
        Channels = channels;
        Side = side;
        this.placeOfPixel = placeOfPixel;
    }

    /// <summary>The contract's layout: one channel, 28x28, row-major.</summary>
    public static InputLayout Plain { get; } = new("plain", 1, LeNetClassifier.ImageSize, Enumerable.Range(0, LeNetClassifier.PixelsPerImage).ToArray());

    /// <summary>A short name for messages and tests.</summary>
    public string Name { get; }

    /// <summary>Channels per image in the input tensor.</summary>
    public int Channels { get; }

    /// <summary>Height and width of each channel.</summary>
    public int Side { get; }

    /// <summary>Floats per image in the input tensor.</summary>
    public int FloatsPerImage => Channels * Side * Side;

    /// <summary>Whether this is the contract's own layout (images are copied as they are).</summary>
    public bool IsPlain => ReferenceEquals(this, Plain);

    /// <summary>The layout of a zero-padded image cut into 2x2 blocks of four channels.</summary>
    /// <param name="pad">Zero rows and columns on each side; 28 + 2·pad is even, so any pad works.</param>
    public static InputLayout SpaceToDepth(int pad)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pad);
        int side = (LeNetClassifier.ImageSize + (2 * pad)) / 2;
        int[] places = new int[LeNetClassifier.PixelsPerImage];
        for (int y = 0; y < LeNetClassifier.ImageSize; y++)
        {
            for (int x = 0; x < LeNetClassifier.ImageSize; x++)
            {
                int row = y + pad;
                int column = x + pad;
                int channel = (2 * (row & 1)) + (column & 1);
                places[(y * LeNetClassifier.ImageSize) + x] = (((channel * side) + (row >> 1)) * side) + (column >> 1);
            }
        }

        return new InputLayout($"space-to-depth, pad {pad}", 4, side, places);
    }

    /// <summary>The input tensor's shape for <paramref name="batch"/> images.</summary>
    public long[] ShapeOf(int batch) => [batch, Channels, Side, Side];

    /// <summary>Places images given as pixel/255 floats into <paramref name="input"/> (batch of <c>images.Length / 784</c>).</summary>
    public void Write(ReadOnlySpan<float> images, Span<float> input)
    {
        if (IsPlain)
        {
            images.CopyTo(input);
            return;
        }

        Scatter(images, input);
    }

    /// <summary>Places images given as raw 0..255 pixels into <paramref name="input"/>, each as pixel/255.</summary>
    public void Write(ReadOnlySpan<byte> images, Span<float> input)
    {
        if (IsPlain)
        {
            LeNetClassifier.Scale(images, input);
            return;
        }

        Scatter(images, input);
    }

    private void Scatter<TPixel>(ReadOnlySpan<TPixel> images, Span<float> input)
        where TPixel : unmanaged
    {
        // In a space-to-depth layout the even pixels of an image row lie side by side in one
        // channel row and the odd ones in another: two runs per row, from the first two places.
        const int size = LeNetClassifier.ImageSize;
        ReadOnlySpan<int> places = placeOfPixel;
        int count = images.Length / LeNetClassifier.PixelsPerImage;
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<TPixel> image = images.Slice(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
            Span<float> destination = input.Slice(n * FloatsPerImage, FloatsPerImage);
            for (int y = 0; y < size; y++)
            {
                ReadOnlySpan<TPixel> row = image.Slice(y * size, size);
                Span<float> even = destination.Slice(places[y * size], size / 2);
                Span<float> odd = destination.Slice(places[(y * size) + 1], size / 2);
                for (int j = 0; j < size / 2; j++)
                {
                    even[j] = ValueOf(row[2 * j]);
                    odd[j] = ValueOf(row[(2 * j) + 1]);
                }
            }
        }
    }

    // The JIT keeps one branch per instantiation; bytes scale exactly as LeNetClassifier.Scale does.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ValueOf<TPixel>(TPixel pixel)
        where TPixel : unmanaged =>
        typeof(TPixel) == typeof(byte) ? Unsafe.As<TPixel, byte>(ref pixel) / 255f : Unsafe.As<TPixel, float>(ref pixel);
}
