namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class LeNetClassifierArgumentTests
{
    private static LeNetClassifier classifier => TestModels.SharedClassic;

    [TestMethod]
    [DataRow(0)]
    [DataRow(783)]
    [DataRow(785)]
    [DataRow(784 * 3 - 1)]
    public void Classify_ImagesNotAMultipleOf784AreRefused(int length)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new float[length], new float[10], new float[10]));
        Assert.AreEqual("images", e.ParamName);
        Assert.Contains("multiple of 784", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new byte[length], new float[10], new float[10]));
        Assert.AreEqual("images", e.ParamName);
    }

    [TestMethod]
    [DataRow(0, 20, "logits")]
    [DataRow(19, 20, "logits")]
    [DataRow(21, 20, "logits")]
    [DataRow(20, 10, "probabilities")]
    [DataRow(20, 30, "probabilities")]
    public void Classify_DestinationsMustHoldTenPerImage(int logits, int probabilities, string parameter)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new float[2 * 784], new float[logits], new float[probabilities]));
        Assert.AreEqual(parameter, e.ParamName);
        Assert.Contains("exactly 20", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new byte[2 * 784], new float[logits], new float[probabilities]));
        Assert.AreEqual(parameter, e.ParamName);
    }

    [TestMethod]
    [DataRow(float.NaN, 0)]
    [DataRow(float.PositiveInfinity, 1000)]
    [DataRow(float.NegativeInfinity, 2 * 784 - 1)]
    public void Classify_NonFinitePixelsAreRefusedNamingTheFirstIndex(float value, int index)
    {
        float[] images = TestModels.Images(2, seed: 5);
        images[index] = value;
        images[^1] = float.NaN;
        if (index == images.Length - 1)
        {
            images[^1] = value;
        }

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(images, new float[20], new float[20]));
        Assert.AreEqual("images", e.ParamName);
        Assert.Contains($"images[{index}]", e.Message);
    }

    [TestMethod]
    public void Predict_OneImageMustBe784FinitePixels()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict(new float[2 * 784]));
        Assert.AreEqual("image", e.ParamName);
        Assert.Contains("exactly 784", e.Message);
        Assert.AreEqual("image", Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict(new byte[783])).ParamName);
        Assert.AreEqual("image", Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new float[10])).ParamName);
        Assert.AreEqual("image", Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new byte[10])).ParamName);

        float[] image = new float[784];
        image[5] = float.NaN;
        e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict(image));
        Assert.AreEqual("image", e.ParamName);
        Assert.Contains("image[5] is NaN", e.Message);
    }

    [TestMethod]
    public void Classify_FindsTheFirstBadPixelAtEveryPosition()
    {
        // Covers both the vectorized scan and its scalar tail.
        float[] images = TestModels.Images(1, seed: 6);
        for (int i = 0; i < images.Length; i += 13)
        {
            float saved = images[i];
            images[i] = float.PositiveInfinity;
            ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => classifier.Predict(images));
            Assert.Contains($"image[{i}] is", e.Message);
            images[i] = saved;
        }
    }
}
