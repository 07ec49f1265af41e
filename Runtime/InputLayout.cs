using System.Runtime.Intrinsics;

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
    // For a space-to-depth layout: where pixel 0 and pixel 1 of each image row go. The even pixels
    // of a row follow the first in one channel row, the odd ones the second in another. Empty for Plain.
    private readonly int[] evenRowStart;
    private readonly int[] oddRowStart;

    private InputLayout(int channels, int side, int[] evenRowStart, int[] oddRowStart)
    {
        Channels = channels;
        Side = side;
        this.evenRowStart = evenRowStart;
        this.oddRowStart = oddRowStart;
    }

    /// <summary>The contract's layout: one channel, 28x28, row-major.</summary>
    public static InputLayout Plain { get; } = new(1, LeNetClassifier.ImageSize, [], []);

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
        int PlaceOf(int y, int x)
        {
            int row = y + pad;
            int column = x + pad;
            int channel = (2 * (row & 1)) + (column & 1);
            return (((channel * side) + (row >> 1)) * side) + (column >> 1);
        }

        int[] even = new int[LeNetClassifier.ImageSize];
        int[] odd = new int[LeNetClassifier.ImageSize];
        for (int y = 0; y < LeNetClassifier.ImageSize; y++)
        {
            even[y] = PlaceOf(y, 0);
            odd[y] = PlaceOf(y, 1);
        }

        return new InputLayout(4, side, even, odd);
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

    private void Scatter(ReadOnlySpan<float> images, Span<float> input)
    {
        int count = images.Length / LeNetClassifier.PixelsPerImage;
        for (int n = 0; n < count; n++)
        {
            ScatterImage(images.Slice(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage), input.Slice(n * FloatsPerImage, FloatsPerImage));
        }
    }

    private void Scatter(ReadOnlySpan<byte> images, Span<float> input)
    {
        Span<float> scaled = stackalloc float[LeNetClassifier.PixelsPerImage];
        int count = images.Length / LeNetClassifier.PixelsPerImage;
        for (int n = 0; n < count; n++)
        {
            LeNetClassifier.Scale(images.Slice(n * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage), scaled);
            ScatterImage(scaled, input.Slice(n * FloatsPerImage, FloatsPerImage));
        }
    }

    /// <summary>Splits each row of one image into its even and odd pixels, eight pixels at a time where the hardware has 256-bit vectors.</summary>
    private void ScatterImage(ReadOnlySpan<float> image, Span<float> destination)
    {
        const int size = LeNetClassifier.ImageSize;
        const int half = size / 2;

        // Pixels 0..7 become 0, 2, 4, 6 | 1, 3, 5, 7: the lower half goes to the even row, the upper to the odd.
        Vector256<int> evensThenOdds = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        int vectorPixels = Vector256.IsHardwareAccelerated ? size - (size % 8) : 0;
        for (int y = 0; y < size; y++)
        {
            ReadOnlySpan<float> row = image.Slice(y * size, size);
            Span<float> even = destination.Slice(evenRowStart[y], half);
            Span<float> odd = destination.Slice(oddRowStart[y], half);
            int x = 0;
            for (; x < vectorPixels; x += 8)
            {
                Vector256<float> split = Vector256.Shuffle(Vector256.Create(row.Slice(x, 8)), evensThenOdds);
                split.GetLower().CopyTo(even.Slice(x / 2, 4));
                split.GetUpper().CopyTo(odd.Slice(x / 2, 4));
            }

            for (; x < size; x += 2)
            {
                even[x / 2] = row[x];
                odd[x / 2] = row[x + 1];
            }
        }
    }
}
