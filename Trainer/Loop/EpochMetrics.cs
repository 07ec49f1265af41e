using System.Globalization;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>The figures of one epoch, as printed and appended to <c>metrics.jsonl</c>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss over the epoch's examples.</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch (weights moving as it goes, as d2l reports it).</param>
/// <param name="TestLoss">Mean loss on the test set after the epoch.</param>
/// <param name="TestAccuracy">Accuracy on the test set after the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps and test evaluation.</param>
/// <param name="ImagesPerSecond">Training images per second of the epoch's training steps.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
public sealed record EpochMetrics(int Epoch, double Loss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds, double ImagesPerSecond, double LearningRate)
{
    /// <summary>The seeds' line: <c>epoch 3, loss 0.5123, train acc 0.803, test acc 0.795, time 4.1 sec, 14,650 img/s</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {Epoch}, loss {Loss:F4}, train acc {TrainAccuracy:F3}, test acc {TestAccuracy:F3}, time {Seconds:F1} sec, {ImagesPerSecond:N0} img/s");

    /// <summary>One JSON line.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new
    {
        epoch = Epoch,
        loss = Loss,
        train_accuracy = TrainAccuracy,
        test_loss = TestLoss,
        test_accuracy = TestAccuracy,
        seconds = Seconds,
        images_per_second = ImagesPerSecond,
        learning_rate = LearningRate,
    });
}
