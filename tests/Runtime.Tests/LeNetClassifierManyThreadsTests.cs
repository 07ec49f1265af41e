using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Runtime.Tests;

/// <summary>
/// The concurrency proof: 64 threads make 10,000 calls each (640,000 in all) on one
/// shared classifier, mixing batch sizes from 1 to 256 and every public classify API (float and
/// byte batches, Predict, Classify to a Prediction), and every answer is bit for bit the answer
/// the same call gave when run alone. Public API only, so it holds whatever the classifier pools
/// or binds inside.
/// </summary>
[TestClass]
public sealed class LeNetClassifierManyThreadsTests
{
    private const int Threads = 64;
    private const int CallsPerThread = 10_000;

    // Each thread's 10,000 calls: a fixed number of each batch size, shuffled by the thread's
    // seed. Few large batches keep the whole run near 15,000 images per thread, so the 640,000
    // calls fit in well under a minute on two cores.
    private static readonly (int BatchSize, int Calls)[] CallMix =
    [
        (256, 2), (64, 8), (16, 50), (7, 200), (3, 400), (2, 1_000), (1, 8_340),
    ];

    // Distinct inputs per batch size, so a mixed-up answer is another input's and shows.
    private const int InputsPerBatchSize = 3;

    private enum Api
    {
        FloatBatch,
        ByteBatch,
        PredictFloat,
        PredictByte,
        PredictionFloat,
        PredictionByte,
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void LeNetClassifier_64Threads10000CallsEachMixingBatchSizesAndApis_AreBitwiseTheSerialAnswers()
    {
        Assert.AreEqual(CallsPerThread, CallMix.Sum(m => m.Calls));
        using LeNetClassifier classifier = LeNetClassifier.Load(RepositoryRoot.Combine("models", "lenet-classic.onnx"));
        byte[][] testImages = ReferenceImages();
        Case[] cases = [.. CallMix.SelectMany((mix, m) => Enumerable.Range(0, InputsPerBatchSize)
            .Select(i => Case.Serial(classifier, testImages, mix.BatchSize, seed: 7_000 + (m * InputsPerBatchSize) + i)))];
        Assert.IsGreaterThan(3, cases.SelectMany(c => c.Labels).Distinct().Count(), "the inputs should get several labels, so a mixed-up answer shows");

        var failures = new ConcurrentQueue<string>();
        long calls = 0;
        long images = 0;
        using var start = new Barrier(Threads);
        var stopwatch = new Stopwatch();
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            int[] plan = Plan(cases, seed: 31_000 + t);
            var random = new Random(41_000 + t);
            var outputs = new Dictionary<int, (float[] Logits, float[] Probabilities)>();
            long myImages = 0;
            start.SignalAndWait();
            for (int call = 0; call < plan.Length; call++)
            {
                Case c = cases[plan[call]];
                Api api = c.BatchSize == 1 ? (Api)random.Next(6) : (Api)random.Next(2);
                if (!outputs.TryGetValue(c.BatchSize, out (float[] Logits, float[] Probabilities) output))
                {
                    output = (new float[c.BatchSize * 10], new float[c.BatchSize * 10]);
                    outputs.Add(c.BatchSize, output);
                }

                string? difference;
                try
                {
                    difference = c.Check(classifier, api, output.Logits, output.Probabilities);
                }
                catch (Exception e)
                {
                    difference = e.ToString();
                }

                if (difference is not null)
                {
                    failures.Enqueue($"thread {t}, call {call}, batch {c.BatchSize} (seed {c.Seed}), {api}: {difference}");
                }

                myImages += c.BatchSize;
            }

            Interlocked.Add(ref calls, plan.Length);
            Interlocked.Add(ref images, myImages);
        })
        { Name = $"caller {t}" })];

        stopwatch.Start();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        stopwatch.Stop();
        Console.WriteLine($"{calls:N0} calls, {images:N0} images from {Threads} threads in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.IsEmpty(failures, $"{failures.Count} answers differ from the serial run:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(10))}");
        Assert.AreEqual((long)Threads * CallsPerThread, calls);
    }

    /// <summary>One thread's calls as indices into <paramref name="cases"/>: the call mix, inputs and order shuffled by the seed.</summary>
    private static int[] Plan(Case[] cases, int seed)
    {
        var random = new Random(seed);
        int[] plan = [.. CallMix.SelectMany(mix =>
        {
            int[] ofSize = [.. cases.Select((c, i) => (c, i)).Where(x => x.c.BatchSize == mix.BatchSize).Select(x => x.i)];
            return Enumerable.Range(0, mix.Calls).Select(_ => ofSize[random.Next(ofSize.Length)]);
        })];
        random.Shuffle(plan);
        return plan;
    }

    /// <summary>The real Fashion-MNIST test images committed in <c>models/lenet-classic.reference.json</c>.</summary>
    private static byte[][] ReferenceImages()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("models", "lenet-classic.reference.json")));
        byte[][] images = [.. json.RootElement.GetProperty("images").EnumerateArray().Select(image => Convert.FromBase64String(image.GetProperty("pixels").GetString()!))];
        Assert.IsGreaterThanOrEqualTo(4, images.Length);
        return images;
    }

    private static bool BitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) =>
        MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual));

    /// <summary>One input batch with the answers each API gave for it in a serial run.</summary>
    private sealed record Case(int BatchSize, int Seed, byte[] Pixels, float[] Floats, float[] FloatLogits, float[] FloatProbabilities, float[] ByteLogits, float[] ByteProbabilities, int[] Labels)
    {
        /// <summary>A batch of real test images, each with seeded noise of up to 8 grey levels so every input differs, classified alone.</summary>
        public static Case Serial(LeNetClassifier classifier, byte[][] testImages, int batchSize, int seed)
        {
            var random = new Random(seed);
            byte[] pixels = new byte[batchSize * 784];
            for (int n = 0; n < batchSize; n++)
            {
                byte[] image = testImages[random.Next(testImages.Length)];
                for (int p = 0; p < 784; p++)
                {
                    pixels[(n * 784) + p] = (byte)Math.Clamp(image[p] + random.Next(-8, 9), 0, 255);
                }
            }

            float[] floats = Array.ConvertAll(pixels, p => p / 255f);
            float[] floatLogits = new float[batchSize * 10];
            float[] floatProbabilities = new float[batchSize * 10];
            float[] byteLogits = new float[batchSize * 10];
            float[] byteProbabilities = new float[batchSize * 10];
            classifier.Classify(floats, floatLogits, floatProbabilities);
            classifier.Classify(pixels, byteLogits, byteProbabilities);
            int[] labels = [.. Enumerable.Range(0, batchSize).Select(n => classifier.Predict(floats.AsSpan(n * 784, 784)))];
            return new Case(batchSize, seed, pixels, floats, floatLogits, floatProbabilities, byteLogits, byteProbabilities, labels);
        }

        /// <summary>Makes the call through <paramref name="api"/>; null when its answer is bitwise the serial one.</summary>
        public string? Check(LeNetClassifier classifier, Api api, float[] logits, float[] probabilities)
        {
            // Poisoned first, so an output the call leaves unwritten cannot pass for the old answer.
            logits.AsSpan().Fill(float.NaN);
            probabilities.AsSpan().Fill(float.NaN);
            switch (api)
            {
                case Api.FloatBatch:
                    classifier.Classify(Floats, logits, probabilities);
                    return Compare(FloatLogits, FloatProbabilities, logits, probabilities);
                case Api.ByteBatch:
                    classifier.Classify(Pixels, logits, probabilities);
                    return Compare(ByteLogits, ByteProbabilities, logits, probabilities);
                case Api.PredictFloat:
                    return CompareLabel(classifier.Predict(Floats));
                case Api.PredictByte:
                    return CompareLabel(classifier.Predict(Pixels));
                case Api.PredictionFloat:
                    return ComparePrediction(classifier.Classify(Floats), FloatProbabilities);
                case Api.PredictionByte:
                    return ComparePrediction(classifier.Classify(Pixels.AsSpan()), ByteProbabilities);
                default:
                    throw new UnreachableException();
            }
        }

        private static string? Compare(float[] expectedLogits, float[] expectedProbabilities, float[] logits, float[] probabilities) =>
            !BitwiseEqual(expectedLogits, logits) ? $"logits [{string.Join(", ", logits.Take(10))}…], expected [{string.Join(", ", expectedLogits.Take(10))}…]"
            : !BitwiseEqual(expectedProbabilities, probabilities) ? "probabilities differ"
            : null;

        private string? CompareLabel(int label) => label == Labels[0] ? null : $"label {label}, expected {Labels[0]}";

        private string? ComparePrediction(Prediction prediction, float[] expectedProbabilities) =>
            prediction.Label != Labels[0] ? $"label {prediction.Label}, expected {Labels[0]}"
            : !BitwiseEqual(expectedProbabilities, [.. prediction.Probabilities]) ? "probabilities differ"
            : null;
    }
}
