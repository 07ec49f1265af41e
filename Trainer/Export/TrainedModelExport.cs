using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Loop;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Export;

/// <summary>
/// Writes a trained model for others to use: the inference model with its provenance in the
/// metadata, a markdown model card beside it, and a reference file (a few test images and the
/// logits ONNX Runtime gives for them) that parity tests check other runtimes against.
/// </summary>
public static class TrainedModelExport
{
    /// <summary>Test images in the reference file.</summary>
    public const int ReferenceImages = 8;

    /// <summary>Writes <paramref name="modelPath"/>, <c>.md</c> and <c>.reference.json</c> beside it, each atomically.</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(string modelPath, TrainingRecipe recipe, TrainingOutcome outcome, DataSetSplits data, string command, TimeSpan wallTime)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        EpochMetrics last = outcome.Metrics.Count > 0 ? outcome.Metrics[^1] : throw new ArgumentException("The run has no completed epoch to export.", nameof(outcome));
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("lenet.recipe", TrainingRun.Describe(recipe)),
            new("lenet.optimizer", string.Join(", ", recipe.Optimizer.Describe().Select(p => $"{p.Key}={p.Value}"))),
            new("lenet.epochs", last.Epoch.ToString(CultureInfo.InvariantCulture)),
            new("lenet.test_accuracy", last.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture)),
            new("lenet.test_loss", last.TestLoss.ToString("F4", CultureInfo.InvariantCulture)),
            new("lenet.data_set", data.Description.Name),
            new("lenet.data.train_images.sha256", data.Train.ImagesSource?.ContentSha256 ?? ""),
            new("lenet.data.train_labels.sha256", data.Train.LabelsSource?.ContentSha256 ?? ""),
            new("lenet.data.test_images.sha256", data.Test.ImagesSource?.ContentSha256 ?? ""),
            new("lenet.data.test_labels.sha256", data.Test.LabelsSource?.ContentSha256 ?? ""),
        };
        LeNetModel model = LeNet5.Build(recipe.Variant, recipe.Seed, weights: outcome.Weights, labels: data.Description.ClassNames);
        byte[] bytes = model.ToOnnxBytes(metadata, $"LeNet-5 '{recipe.Variant.Variant}' trained by LeNetOnnx with recipe '{recipe.Name}': test accuracy {last.TestAccuracy:F4} on {data.Description.Name}.");
        string fullPath = Path.GetFullPath(modelPath);
        string stem = Path.ChangeExtension(fullPath, null);
        AtomicFile.WriteAllBytes(fullPath, bytes);
        string referencePath = stem + ".reference.json";
        AtomicFile.WriteAllBytes(referencePath, Reference(bytes, data.Test));
        string cardPath = stem + ".md";
        AtomicFile.WriteAllBytes(cardPath, Encoding.UTF8.GetBytes(ModelCard(Path.GetFileName(fullPath), bytes, recipe, outcome, data, command, wallTime)));
        return [fullPath, cardPath, referencePath];
    }

    private static byte[] Reference(byte[] model, ImageDataSet test)
    {
        int count = Math.Min(ReferenceImages, test.Count);
        float[] images = new float[count * test.PixelsPerImage];
        PixelScale.Scale(test.Images.Span[..images.Length], images);

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(images, [count, 1, 28, 28]);
        using var run = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, [LeNetContract.ImageInput], [input], [LeNetContract.LogitsOutput]);
        float[] logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var reference = new
        {
            description = "The first test images of the data set (raw 28x28 uint8, base64) and the logits ONNX Runtime (C#, CPU) gives for them as pixel/255.",
            runtime = $"Microsoft.ML.OnnxRuntime {typeof(InferenceSession).Assembly.GetName().Version}",
            images = Enumerable.Range(0, count).Select(i => new
            {
                index = i,
                label = test.Labels.Span[i],
                pixels = Convert.ToBase64String(test.Image(i)),
                logits = logits.AsSpan(i * 10, 10).ToArray(),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(reference, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string ModelCard(string fileName, byte[] bytes, TrainingRecipe recipe, TrainingOutcome outcome, DataSetSplits data, string command, TimeSpan wallTime)
    {
        EpochMetrics last = outcome.Metrics[^1];
        var card = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        card.AppendLine(c, $"# {fileName}: LeNet-5 '{recipe.Variant.Variant}', recipe '{recipe.Name}'").AppendLine();
        card.AppendLine(c, $"Test accuracy **{last.TestAccuracy:F4}** (loss {last.TestLoss:F4}) on the {data.Test.Count:N0} {data.Description.Name} test images after {last.Epoch} epochs.").AppendLine();
        card.AppendLine("| | |").AppendLine("|---|---|");
        card.AppendLine(c, $"| file | `{fileName}`, {bytes.Length:N0} bytes, SHA-256 `{Convert.ToHexStringLower(SHA256.HashData(bytes))}` |");
        card.AppendLine(c, $"| network | {recipe.Variant.Variant}: {LeNet5.Build(recipe.Variant).ParameterCount:N0} trainable parameters; `lenet summary --variant {recipe.Variant.Variant}` lists the layers |");
        card.AppendLine(c, $"| input | `image` float32 [N,1,28,28], pixel/255; in-graph preprocessing: {recipe.Variant.Input.Describe()} |");
        card.AppendLine("| outputs | `logits` and `probabilities` float32 [N,10] |");
        card.AppendLine(c, $"| optimizer | {string.Join(", ", recipe.Optimizer.Describe().Select(p => $"{p.Key} {p.Value}"))} |");
        card.AppendLine(c, $"| schedule | {recipe.Schedule}, batch {recipe.BatchSize}, {recipe.Epochs} epochs, seed {recipe.Seed} |");
        card.AppendLine(c, $"| augmentation | {(recipe.Augmentation.IsEnabled ? $"shift up to {recipe.Augmentation.MaxShift} px, horizontal flip {recipe.Augmentation.HorizontalFlip}" : "none")} |");
        card.AppendLine(c, $"| data | {data.Description.Name}: {data.Train.Count:N0} training and {data.Test.Count:N0} test images; content SHA-256 train images `{data.Train.ImagesSource?.ContentSha256}`, test images `{data.Test.ImagesSource?.ContentSha256}` |");
        card.AppendLine(c, $"| trained with | `{command}` on {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version} ({outcome.Device}); wall time {wallTime.TotalSeconds:F0} s |");
        card.AppendLine().AppendLine("## Training curve").AppendLine();
        card.AppendLine("| epoch | loss | train acc | test loss | test acc | seconds | img/s |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (EpochMetrics m in outcome.Metrics)
        {
            card.AppendLine(c, $"| {m.Epoch} | {m.Loss:F4} | {m.TrainAccuracy:F3} | {m.TestLoss:F4} | {m.TestAccuracy:F3} | {m.Seconds:F1} | {m.ImagesPerSecond:N0} |");
        }

        if (outcome.TestConfusion is { } confusion)
        {
            card.AppendLine().AppendLine("## Test set, per class").AppendLine().Append(confusion.ToMarkdown());
        }

        card.AppendLine().AppendLine("## Use").AppendLine();
        card.AppendLine(c, $"Any ONNX runtime: feed `image`, read `logits` or `probabilities`; labels are in the metadata key `lenet.labels`. `{Path.ChangeExtension(fileName, ".reference.json")}` holds the first {ReferenceImages} test images and their logits for checking a runtime.");
        return card.ToString();
    }
}
