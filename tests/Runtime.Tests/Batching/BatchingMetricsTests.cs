using static LeNetOnnx.Runtime.Tests.Batching.BatchingTestSupport;

namespace LeNetOnnx.Runtime.Tests.Batching;

[TestClass]
public sealed class BatchingMetricsTests
{
    [TestMethod]
    public async Task RuntimeMetrics_ListsEveryInstrumentPublished()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        await using var batching = new BatchingClassifier(classifier);
        using var recorder = new MeasurementRecorder(classifier.Meter, batching.Meter);

        CollectionAssert.AreEquivalent(RuntimeMetrics.InstrumentNames.ToArray(), recorder.Published.ToArray());
        Assert.AreEqual(RuntimeMetrics.MeterName, classifier.Meter.Name);
        Assert.AreEqual(RuntimeMetrics.MeterName, batching.Meter.Name);
    }

    [TestMethod]
    public void LeNetClassifier_CountsImagesAndTimesRunsByBatchSize()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        using var recorder = new MeasurementRecorder(classifier.Meter);

        classifier.Classify(TestModels.Images(7, seed: 61), new float[70], new float[70]);
        classifier.Predict(TestModels.Pixels(1, seed: 62));
        Assert.ThrowsExactly<ArgumentException>(() => classifier.Classify(new float[784 * 2], new float[10], new float[20]));

        CollectionAssert.AreEqual(new double[] { 7, 1 }, recorder.Values(RuntimeMetrics.ClassifiedImages));
        double[] durations = recorder.Values(RuntimeMetrics.InferenceDuration);
        Assert.HasCount(2, durations);
        Assert.IsTrue(durations.All(d => d >= 0));
        CollectionAssert.AreEqual(
            new object?[] { "5-16", "1" },
            recorder.Tags(RuntimeMetrics.InferenceDuration).Select(tags => tags.Single(t => t.Key == RuntimeMetrics.BatchSizeTag).Value).ToArray());
    }

    [TestMethod]
    public void LeNetClassifier_DisposeDisposesItsMeter()
    {
        LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        bool completed = false;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == classifier.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => completed |= instrument.Name == RuntimeMetrics.ClassifiedImages,
        };
        listener.Start();

        classifier.Dispose();

        Assert.IsTrue(completed);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task BatchingClassifier_RecordsBatchSizeQueueWaitAndPending()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Classic);
        float[][] images = Images(11, seed: 63);
        using var runner = new GatedRunner(classifier);
        await using var batching = new BatchingClassifier(classifier, null, runner.Run);
        using var recorder = new MeasurementRecorder(classifier.Meter, batching.Meter);

        // One request held in its batch, ten queued behind it: the next batch holds exactly those ten.
        var accepted = new List<ValueTask<Prediction>> { batching.ClassifyAsync(images[0].AsMemory()) };
        await runner.BatchStartedAsync();
        accepted.AddRange(images.Skip(1).Select(image => batching.ClassifyAsync(image.AsMemory())));
        recorder.Observe();
        runner.Open();
        foreach (ValueTask<Prediction> request in accepted)
        {
            await request;
        }

        recorder.Observe();
        CollectionAssert.AreEqual(new double[] { 11, 0 }, recorder.Values(RuntimeMetrics.BatchingPending));
        CollectionAssert.AreEqual(new double[] { 1, 10 }, recorder.Values(RuntimeMetrics.BatchingBatchSize));
        CollectionAssert.AreEqual(new double[] { 1, 10 }, recorder.Values(RuntimeMetrics.ClassifiedImages));
        double[] waits = recorder.Values(RuntimeMetrics.BatchingQueueWait);
        Assert.HasCount(11, waits);
        Assert.IsTrue(waits.All(w => w >= 0));
        Assert.IsEmpty(recorder.Values(RuntimeMetrics.BatchingRejected));
    }
}
