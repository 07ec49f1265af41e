using System.Collections.Concurrent;

namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class LeNetClassifierConcurrencyTests
{
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
