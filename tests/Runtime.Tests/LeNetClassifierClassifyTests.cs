using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class LeNetClassifierClassifyTests
{
    // Same ONNX Runtime, same session options (one thread, all optimizations), same kernels:
    // with the model run as written the classifier must reproduce a direct session run bit for bit.
    private const float Tolerance = 0f;

    // The rewritten first layer sums the same products in another order: float rounding only.
    private const float RewriteTolerance = 1e-6f;

    public static IEnumerable<object[]> VariantsAndBatches =>
        from variant in LeNetVariants.Names
        from batch in new[] { 1, 7, 256 }
        select new object[] { variant, batch };

    [TestMethod]
    [DynamicData(nameof(VariantsAndBatches))]
    public void LeNetClassifier_MatchesADirectSessionRun(string variant, int batch)
    {
        byte[] model = TestModels.Variant(variant);
        float[] images = TestModels.Images(batch, seed: 1000 + batch);
        (float[] expectedLogits, float[] expectedProbabilities, _) = OrtRunner.Run(model, images, batch);

        foreach (bool rewrite in (bool[])[false, true])
        {
            using LeNetClassifier classifier = LeNetClassifier.FromBytes(model, new LeNetClassifierOptions { RewriteFirstLayer = rewrite });
            float[] logits = new float[batch * 10];
            float[] probabilities = new float[batch * 10];
            classifier.Classify(images, logits, probabilities);

            // Only the variants whose first layer is Conv → activation → AveragePool are rewritten.
            bool rewritable = variant == LeNetVariants.Classic.Variant;
            Assert.AreEqual(rewrite && rewritable, classifier.FirstLayerRewritten, $"{variant}, RewriteFirstLayer = {rewrite}");
            float tolerance = classifier.FirstLayerRewritten ? RewriteTolerance : Tolerance;
            AssertClose(expectedLogits, logits, $"{variant}, rewrite {rewrite}: logits", tolerance);
            AssertClose(expectedProbabilities, probabilities, $"{variant}, rewrite {rewrite}: probabilities", tolerance);
        }
    }

    [TestMethod]
    public void LeNetClassifier_ByteOverloadEqualsFloatOverloadWithPixelsOver255()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        byte[] pixels = TestModels.Pixels(7, seed: 20240607);
        float[] scaled = pixels.Select(p => p / 255f).ToArray();

        (float[] byteLogits, float[] byteProbabilities) = Classify(classifier, pixels);
        (float[] floatLogits, float[] floatProbabilities) = Classify(classifier, scaled);

        CollectionAssert.AreEqual(floatLogits, byteLogits);
        CollectionAssert.AreEqual(floatProbabilities, byteProbabilities);
        for (int n = 0; n < 7; n++)
        {
            Assert.AreEqual(
                classifier.Predict(scaled.AsSpan(n * 784, 784)),
                classifier.Predict(pixels.AsSpan(n * 784, 784)));
        }
    }

    [TestMethod]
    public void LeNetClassifier_PredictIsTheArgMaxOfTheLogits()
    {
        byte[] model = TestModels.Variant(LeNetVariants.ReluMax.Variant);
        float[] images = TestModels.Images(64, seed: 77);
        float[] logits = OrtRunner.Run(model, images, 64).Logits;
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(model);

        var seen = new HashSet<int>();
        for (int n = 0; n < 64; n++)
        {
            float[] row = logits.AsSpan(n * 10, 10).ToArray();
            int expected = Array.IndexOf(row, row.Max());
            Assert.AreEqual(expected, classifier.Predict(images.AsSpan(n * 784, 784)), $"image {n}");
            seen.Add(expected);
        }

        Assert.IsGreaterThan(1, seen.Count, "an untrained model should still spread its argmax over several classes");
    }

    [TestMethod]
    public void LeNetClassifier_ClassifyOneImageReturnsAConsistentPrediction()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Variant(LeNetVariants.Original.Variant));
        float[] image = TestModels.Images(1, seed: 3);
        (float[] _, float[] probabilities) = Classify(classifier, image);

        Prediction prediction = classifier.Classify(image);

        Assert.AreEqual(classifier.Predict(image), prediction.Label);
        Assert.AreEqual(classifier.Labels[prediction.Label], prediction.LabelName);
        Assert.AreEqual(probabilities[prediction.Label], prediction.Probability);
        CollectionAssert.AreEqual(probabilities, prediction.Probabilities.ToArray());
        Assert.AreEqual(1f, prediction.Probabilities.Sum(), 1e-5f);
        Assert.Contains(prediction.LabelName, prediction.ToString());

        byte[] pixels = TestModels.Pixels(1, seed: 4);
        Prediction fromBytes = classifier.Classify(pixels);
        Assert.AreEqual(classifier.Predict(pixels), fromBytes.Label);
    }

    [TestMethod]
    public void LeNetClassifier_RowsDoNotDependOnTheirBatch()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] images = TestModels.Images(7, seed: 8);
        (float[] batched, _) = Classify(classifier, images);
        for (int n = 0; n < 7; n++)
        {
            (float[] single, _) = Classify(classifier, images.AsSpan(n * 784, 784).ToArray());
            AssertClose(single, batched.AsSpan(n * 10, 10).ToArray(), $"image {n}", 1e-5f);
        }
    }

    [TestMethod]
    public void LeNetClassifier_OptionsReachTheSession()
    {
        float[] images = TestModels.Images(16, seed: 16);
        using LeNetClassifier standard = LeNetClassifier.FromBytes(TestModels.Classic);
        using LeNetClassifier tuned = LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions
        {
            IntraOpThreads = 2,
            AllowSpinning = true,
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
        });

        AssertClose(Classify(standard, images).Logits, Classify(tuned, images).Logits, "logits", 1e-5f);
    }

    [TestMethod]
    public void LeNetClassifier_TopKRanksLargestFirstWithTiesInLabelOrder()
    {
        float[] scores = [0.1f, 0.3f, 0.05f, 0.3f, float.NaN, 0.2f, 0f, 0.05f, 0f, 0f];
        int[] top = new int[4];
        LeNetClassifier.TopK(scores, top);
        CollectionAssert.AreEqual(new[] { 1, 3, 5, 0 }, top);

        int[] all = new int[10];
        LeNetClassifier.TopK(scores, all);
        CollectionAssert.AreEqual(new[] { 1, 3, 5, 0, 2, 7, 6, 8, 9, 4 }, all, "NaN ranks last");

        LeNetClassifier.TopK(scores, Span<int>.Empty);
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => LeNetClassifier.TopK(scores, new int[11]));
        Assert.AreEqual("indices", e.ParamName);
    }

    [TestMethod]
    public void LeNetClassifier_TopKAgreesWithSortingOnRandomScores()
    {
        var random = new Random(20230828);
        for (int trial = 0; trial < 200; trial++)
        {
            float[] scores = Enumerable.Range(0, 10).Select(_ => random.Next(6) / 5f).ToArray();
            int k = random.Next(11);
            int[] top = new int[k];
            LeNetClassifier.TopK(scores, top);
            int[] expected = Enumerable.Range(0, 10).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
            CollectionAssert.AreEqual(expected, top, $"trial {trial}: {string.Join(", ", scores)}");
        }
    }

    [TestMethod]
    public void LeNetClassifier_AllocatesNoBuffersPerCall()
    {
        // Input and outputs come from the pool: what remains per call is ONNX Runtime's small
        // bookkeeping (OrtValue wrappers, handle arrays; about 650 bytes measured), the same
        // for one image as for 64, where an unpooled copy alone would be 200 KB.
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] image = TestModels.Images(1, seed: 1);
        float[] images = TestModels.Images(64, seed: 2);
        float[] logits = new float[640];
        float[] probabilities = new float[640];
        for (int i = 0; i < 20; i++)
        {
            classifier.Predict(image);
            classifier.Classify(images, logits, probabilities);
        }

        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            classifier.Predict(image);
        }

        long single = (GC.GetAllocatedBytesForCurrentThread() - start) / 50;
        start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            classifier.Classify(images, logits, probabilities);
        }

        long batch = (GC.GetAllocatedBytesForCurrentThread() - start) / 50;
        Assert.IsLessThan(2048L, single, $"bytes allocated per Predict: {single}");
        Assert.IsLessThan(2048L, batch, $"bytes allocated per Classify of 64 images: {batch}");
    }

    internal static (float[] Logits, float[] Probabilities) Classify(LeNetClassifier classifier, float[] images)
    {
        int batch = images.Length / 784;
        float[] logits = new float[batch * 10];
        float[] probabilities = new float[batch * 10];
        classifier.Classify(images, logits, probabilities);
        return (logits, probabilities);
    }

    private static (float[] Logits, float[] Probabilities) Classify(LeNetClassifier classifier, byte[] pixels)
    {
        int batch = pixels.Length / 784;
        float[] logits = new float[batch * 10];
        float[] probabilities = new float[batch * 10];
        classifier.Classify(pixels, logits, probabilities);
        return (logits, probabilities);
    }

    private static void AssertClose(float[] expected, float[] actual, string what, float tolerance = Tolerance)
    {
        Assert.HasCount(expected.Length, actual);
        float worst = 0f;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = MathF.Abs(expected[i] - actual[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                worstAt = i;
            }
        }

        Assert.IsTrue(worst <= tolerance, $"{what}: max |difference| {worst} at {worstAt} exceeds {tolerance}");
    }
}
