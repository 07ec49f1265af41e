using System.Collections.Concurrent;

namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class LeNetClassifierConcurrencyTests
{
    private static readonly int[] BatchSizes = [1, 2, 3, 7, 16, 33, 64];

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void LeNetClassifier_ManyThreadsGetExactlyTheSerialAnswers()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        var cases = BatchSizes.Select((batch, i) => TestModels.Images(batch, seed: 500 + i)).ToArray();
        var expected = cases.Select(images => LeNetClassifierClassifyTests.Classify(classifier, images)).ToArray();
        var failures = new ConcurrentQueue<string>();
        int calls = 0;

        using var start = new Barrier(8);
        Thread[] threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var random = new Random(9000 + t);
            start.SignalAndWait();
            for (int call = 0; call < 200; call++)
            {
                int c = random.Next(cases.Length);
                (float[] logits, float[] probabilities) = LeNetClassifierClassifyTests.Classify(classifier, cases[c]);
                if (!logits.AsSpan().SequenceEqual(expected[c].Logits) || !probabilities.AsSpan().SequenceEqual(expected[c].Probabilities))
                {
                    failures.Enqueue($"thread {t}, call {call}: batch {BatchSizes[c]} differs from the serial answer");
                }

                Interlocked.Increment(ref calls);
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.AreEqual(1600, calls);
        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(10)));
    }

    [TestMethod]
    public void LeNetClassifier_UseAfterDisposeThrowsObjectDisposed()
    {
        LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] image = TestModels.Images(1, seed: 1);
        classifier.Predict(image);

        classifier.Dispose();
        classifier.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Predict(image));
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Predict(new byte[784]));
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Classify(image));
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Classify(image, new float[10], new float[10]));
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Classify(new byte[784], new float[10], new float[10]));
        Assert.HasCount(10, classifier.Labels);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void LeNetClassifier_DisposeDuringRunsLetsThemFinishThenRefusesNewOnes()
    {
        LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[] images = TestModels.Images(64, seed: 64);
        (float[] expectedLogits, _) = LeNetClassifierClassifyTests.Classify(classifier, images);
        var unexpected = new ConcurrentQueue<string>();
        int completed = 0;
        using var running = new CountdownEvent(4);

        Thread[] threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            bool signalled = false;
            while (true)
            {
                try
                {
                    (float[] logits, _) = LeNetClassifierClassifyTests.Classify(classifier, images);
                    if (!logits.AsSpan().SequenceEqual(expectedLogits))
                    {
                        unexpected.Enqueue($"thread {t}: wrong logits");
                    }

                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (Exception e)
                {
                    unexpected.Enqueue($"thread {t}: {e}");
                    break;
                }

                if (!signalled)
                {
                    running.Signal();
                    signalled = true;
                }
            }

            if (!signalled)
            {
                running.Signal();
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        running.Wait();
        classifier.Dispose();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.IsEmpty(unexpected, string.Join(Environment.NewLine, unexpected));
        Assert.IsGreaterThanOrEqualTo(4, completed);
    }
}
