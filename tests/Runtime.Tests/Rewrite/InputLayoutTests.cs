namespace LeNetOnnx.Runtime.Tests.Rewrite;

[TestClass]
public sealed class InputLayoutTests
{
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void SpaceToDepth_PlacesEveryPixelAsOnnxSpaceToDepthOfThePaddedImage(int pad)
    {
        InputLayout layout = InputLayout.SpaceToDepth(pad);
        const int batch = 2;
        float[] images = TestModels.Images(batch, seed: 5 + pad);
        float[] input = new float[batch * layout.FloatsPerImage];
        layout.Write(images, input);

        // The definition: pad with zeros, then output[n, 2·by + bx, i, j] = padded[n, 2i + by, 2j + bx].
        int padded = 28 + (2 * pad);
        Assert.AreEqual(padded / 2, layout.Side);
        for (int n = 0; n < batch; n++)
        {
            for (int channel = 0; channel < 4; channel++)
            {
                for (int i = 0; i < layout.Side; i++)
                {
                    for (int j = 0; j < layout.Side; j++)
                    {
                        int row = (2 * i) + (channel >> 1) - pad;
                        int column = (2 * j) + (channel & 1) - pad;
                        float expected = row is >= 0 and < 28 && column is >= 0 and < 28 ? images[(n * 784) + (row * 28) + column] : 0f;
                        float actual = input[(n * layout.FloatsPerImage) + (((channel * layout.Side) + i) * layout.Side) + j];
                        Assert.AreEqual(expected, actual, $"image {n}, channel {channel}, ({i}, {j})");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void SpaceToDepth_BytesBecomePixelsOver255InTheSamePlaces()
    {
        InputLayout layout = InputLayout.SpaceToDepth(2);
        byte[] pixels = TestModels.Pixels(3, seed: 9);
        float[] fromBytes = new float[3 * layout.FloatsPerImage];
        float[] fromFloats = new float[3 * layout.FloatsPerImage];
        layout.Write(pixels, fromBytes);
        layout.Write(pixels.Select(p => p / 255f).ToArray(), fromFloats);
        CollectionAssert.AreEqual(fromFloats, fromBytes);
    }

    [TestMethod]
    public void Plain_BytesBecomePixelsOver255Exactly()
    {
        byte[] pixels = [.. Enumerable.Range(0, 784).Select(i => (byte)(i * 7))];
        float[] input = new float[784];
        InputLayout.Plain.Write(pixels, input);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.AreEqual(pixels[i] / 255f, input[i], $"pixel {i} = {pixels[i]}");
        }
    }

    [TestMethod]
    public void Plain_CopiesImagesAsTheyAre()
    {
        float[] images = TestModels.Images(2, seed: 3);
        float[] input = new float[images.Length];
        InputLayout.Plain.Write(images, input);
        CollectionAssert.AreEqual(images, input);
        Assert.AreEqual(784, InputLayout.Plain.FloatsPerImage);
    }
}
