using LeNetOnnx.Builder.Import;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Cli.Import;

/// <summary>How far an imported model is from the model it was imported from, on the proof images.</summary>
/// <param name="Images">How many images were compared.</param>
/// <param name="Source">Which images: the Fashion-MNIST test images, or the fixed synthetic set.</param>
/// <param name="LargestDifference">The largest absolute difference of any output value.</param>
/// <param name="ArgmaxDifferences">Images whose top class differs.</param>
internal sealed record ImportProofResult(int Images, string Source, double LargestDifference, int ArgmaxDifferences)
{
    /// <summary>The largest difference accepted.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Whether the two models agree.</summary>
    public bool Holds => LargestDifference <= Tolerance && ArgmaxDifferences == 0;
}

/// <summary>
/// Runs the foreign model and its import side by side in ONNX Runtime on a fixed set of images,
/// the foreign one fed as its <see cref="InputConvention"/> says, and compares what the foreign
/// model outputs (logits, probabilities or log-probabilities) with the same output of the import.
/// </summary>
internal static class ImportProof
{
    /// <summary>Images compared: the first of the Fashion-MNIST test set, or as many synthetic ones.</summary>
    public const int ImageCount = 256;

    public static ImportProofResult Run(byte[] foreign, string name, byte[] imported, RecognizedModel recognized, string? dataOption)
    {
        (float[] images, bool fashion) = ProofImages(dataOption);

        // A model exported with a fixed batch runs whole batches of that size only.
        int batch = recognized.FixedBatch ?? ImageCount;
        int count = Math.Max(batch, ImageCount - (ImageCount % batch));
        if (count > ImageCount)
        {
            throw new ModelImportException($"'{name}': its batch is fixed at {batch} images, more than the {ImageCount} the proof runs; export it with a dynamic batch axis or a batch of 1.");
        }

        images = images[..(count * LeNetClassifier.PixelsPerImage)];
        string source = fashion ? $"the first {count} Fashion-MNIST test images" : $"{count} fixed synthetic images (no Fashion-MNIST found)";
        float[] theirs = RunForeign(foreign, name, images, count, recognized);
        float[] logits = new float[count * LeNetClassifier.ClassCount];
        float[] probabilities = new float[logits.Length];
        using (LeNetClassifier ours = LeNetClassifier.FromBytes(imported))
        {
            ours.Classify(images, logits, probabilities);
        }

        float[] expected = recognized.Output switch
        {
            ForeignOutput.Probabilities => probabilities,
            ForeignOutput.LogProbabilities => LogSoftmax(logits),
            _ => logits,
        };
        double largest = 0;
        int argmax = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> a = theirs.AsSpan(i * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount);
            ReadOnlySpan<float> b = expected.AsSpan(i * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount);
            for (int k = 0; k < a.Length; k++)
            {
                double difference = Math.Abs((double)a[k] - b[k]);
                largest = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(largest, difference);
            }

            argmax += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(a) == System.Numerics.Tensors.TensorPrimitives.IndexOfMax(b) ? 0 : 1;
        }

        return new ImportProofResult(count, source, largest, argmax);
    }

    private static float[] RunForeign(byte[] model, string name, float[] images, int count, RecognizedModel recognized)
    {
        float[] fed = [.. images.Select(x => (x * recognized.Input.Scale) + recognized.Input.Shift)];
        int batch = recognized.FixedBatch ?? count;
        float[] result = new float[count * LeNetClassifier.ClassCount];
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(model, options);
            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            for (int start = 0; start < count; start += batch)
            {
                using OrtValue value = OrtValue.CreateTensorValueFromMemory(
                    fed[(start * LeNetClassifier.PixelsPerImage)..((start + batch) * LeNetClassifier.PixelsPerImage)], [batch, 1, 28, 28]);
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
                ReadOnlySpan<float> scores = outputs[0].GetTensorDataAsSpan<float>();
                if (scores.Length != batch * LeNetClassifier.ClassCount)
                {
                    throw new ModelImportException($"'{name}' gives {scores.Length} values for {batch} images, not {LeNetClassifier.ClassCount} each.");
                }

                scores.CopyTo(result.AsSpan(start * LeNetClassifier.ClassCount, batch * LeNetClassifier.ClassCount));
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelImportException($"ONNX Runtime cannot run '{name}' to compare it with the import: {e.Message}", e);
        }

        return result;
    }

    private static float[] LogSoftmax(float[] logits)
    {
        float[] result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i += LeNetClassifier.ClassCount)
        {
            ReadOnlySpan<float> row = logits.AsSpan(i, LeNetClassifier.ClassCount);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(row);
            double sum = 0;
            foreach (float v in row)
            {
                sum += Math.Exp(v - max);
            }

            double log = max + Math.Log(sum);
            for (int k = 0; k < row.Length; k++)
            {
                result[i + k] = (float)(row[k] - log);
            }
        }

        return result;
    }

    // The first Fashion-MNIST test images where the data set is on disk (never downloaded), else a
    // fixed synthetic set: strokes of ink on dark backgrounds from a seeded generator.
    private static (float[] Images, bool FashionMnist) ProofImages(string? dataOption)
    {
        DataSetDescription description = FashionMnist.Description;
        if (DataSetLocator.FindComplete(description, DataDirectorySearch.FromProcess(dataOption)) is { } found
            && DataSetLocator.ResolveFile(found.Path, description.TestImages) is { } imagesPath
            && DataSetLocator.ResolveFile(found.Path, description.TestLabels) is { } labelsPath)
        {
            ImageDataSet test = ImageDataSet.Load("Fashion-MNIST test", imagesPath, labelsPath);
            float[] pixels = new float[ImageCount * LeNetClassifier.PixelsPerImage];
            PixelScale.Scale(test.Images.Span[..pixels.Length], pixels);
            return (pixels, true);
        }

        var random = new Random(20261207);
        float[] images = new float[ImageCount * LeNetClassifier.PixelsPerImage];
        for (int i = 0; i < ImageCount; i++)
        {
            Span<float> image = images.AsSpan(i * LeNetClassifier.PixelsPerImage, LeNetClassifier.PixelsPerImage);
            for (int stroke = 0; stroke < 3; stroke++)
            {
                int row = random.Next(4, 24), column = random.Next(4, 24), length = random.Next(4, 12);
                bool across = random.Next(2) == 0;
                float ink = 0.5f + ((float)random.NextDouble() / 2);
                for (int k = 0; k < length; k++)
                {
                    int r = across ? row : Math.Min(27, row + k), c = across ? Math.Min(27, column + k) : column;
                    image[(r * 28) + c] = ink;
                }
            }
        }

        return (images, false);
    }
}
