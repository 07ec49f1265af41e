using System.CommandLine;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Reports;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet evaluate</c>: accuracy, per-class accuracy and confusion matrix of a model on a data set split.</summary>
internal static class EvaluateCommand
{
    private const int Batch = 256;

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model (a LeNetOnnx model: lenet build or lenet train).", Required = true };
        var data = new Option<string>("--data") { Description = $"Directory holding the data set; else ${DataDirectorySearch.EnvironmentVariable}, ./data, then Debian's path (downloaded when absent)." };
        Option<string> dataSet = CommonOptions.DataSet();
        var split = new Option<string>("--split") { Description = "test (default) or train.", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        Option<string> device = CommonOptions.Device();
        var command = new Command("evaluate", "Evaluate a model on Fashion-MNIST (or MNIST): accuracy, per-class accuracy, confusion matrix.")
        {
            model, data, dataSet, split, device,
        };
        command.SetAction(async (result, cancellation) =>
        {
            // One caller with large batches: every core runs a slice of each.
            using LeNetClassifier classifier = ModelFile.Load(
                result.GetValue(model)!.FullName,
                new LeNetClassifierOptions { BatchSlices = Math.Min(Environment.ProcessorCount, LeNetClassifierOptions.MaxBatchSlices), Device = CommonOptions.ParseDevice(result.GetValue(device)!) });
            using var http = new HttpClient();
            TextWriter log = result.InvocationConfiguration.Error;
            CommonOptions.ReportDeviceFallback(log, classifier.DeviceFallbackReason, "evaluating");
            DataSetSplits splits = await DataSetCatalog.LoadAsync(
                result.GetValue(dataSet)!, DataDirectorySearch.FromProcess(result.GetValue(data)), new DataSetDownloader(http), new SynchronousProgress<DataSetProgress>(p => log.WriteLine($"data: {p}")), cancellation)
                .ConfigureAwait(false);
            DataSetDescription description = splits.Description;
            if (!classifier.Labels.SequenceEqual(description.ClassNames, StringComparer.Ordinal))
            {
                throw new UsageException(
                    $"the model '{result.GetValue(model)!.FullName}' classifies into {Quote(classifier.Labels)}, but {description.Name} has the classes {Quote(description.ClassNames)}; evaluate it on the data set it was trained for (--dataset, --data).");
            }

            ImageDataSet images = result.GetValue(split) == "train" ? splits.Train : splits.Test;
            var confusion = new ConfusionMatrix(classifier.Labels);
            float[] logits = new float[Batch * LeNetClassifier.ClassCount];
            float[] probabilities = new float[Batch * LeNetClassifier.ClassCount];
            long[] labels = new long[Batch];
            for (int start = 0; start < images.Count; start += Batch)
            {
                int count = Math.Min(Batch, images.Count - start);
                classifier.Classify(images.Images.Span.Slice(start * LeNetClassifier.PixelsPerImage, count * LeNetClassifier.PixelsPerImage), logits.AsSpan(0, count * 10), probabilities.AsSpan(0, count * 10));
                for (int i = 0; i < count; i++)
                {
                    labels[i] = images.Labels.Span[start + i];
                }

                confusion.AddBatch(logits.AsSpan(0, count * 10), labels.AsSpan(0, count));
            }

            TextWriter output = result.InvocationConfiguration.Output;
            output.WriteLine($"{result.GetValue(model)!.FullName}: LeNet-5 '{classifier.Variant}' on the {images.Count:N0} {description.Name} {result.GetValue(split)} images");
            output.Write(confusion.ToText());
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Quote(IEnumerable<string> names)
    {
        string[] all = names.ToArray();
        string shown = string.Join(", ", all.Take(4).Select(n => $"'{n}'"));
        return all.Length > 4 ? $"{shown}, ... ({all.Length} classes)" : shown;
    }
}
