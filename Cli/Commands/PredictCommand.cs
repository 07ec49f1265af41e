using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LeNetOnnx.Cli.Inputs;
using LeNetOnnx.Imaging;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Commands;

/// <summary>
/// <c>lenet predict</c>: classifies pictures (PNG, JPEG, anything SkiaSharp decodes) and images of
/// IDX files with a model. Every input is read and converted before anything is classified or
/// printed, so a bad input fails the command with nothing on stdout.
/// </summary>
internal static class PredictCommand
{
    /// <summary>Images taken from an IDX file given without a range: the first ten.</summary>
    public const int DefaultIdxImages = InputImages.DefaultIdxImages;

    private const int Batch = 256;

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model (a LeNetOnnx model: lenet build or lenet train).", Required = true };
        var top = new Option<int>("--top", "-k") { Description = $"Classes listed per input, 1 to {LeNetClassifier.ClassCount}.", DefaultValueFactory = _ => PredictionJson.DefaultTop };
        top.Validators.Add(result =>
        {
            // A token that is not a number is reported by the parser itself.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, CultureInfo.InvariantCulture, out int value)
                && value is < 1 or > LeNetClassifier.ClassCount)
            {
                result.AddError($"--top {value} is out of range; use 1 to {LeNetClassifier.ClassCount}.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of text." };
        var invert = new Option<string>("--invert")
        {
            Description = "When to invert a picture's brightness: auto (when its border is light, so the background becomes black as in the data set), always, never.",
            DefaultValueFactory = _ => "auto",
        };
        invert.AcceptOnlyFromAmong("auto", "always", "never");
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = $"A picture (PNG, JPEG) or an IDX images file (gzip or raw) with an optional 0-based range FILE:START or FILE:START-END (END included); without a range, the first {DefaultIdxImages} images.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("predict", "Classify pictures or IDX images with a model and print the top classes.")
        {
            model, top, json, invert, inputs,
        };
        command.SetAction(result =>
        {
            InvertMode mode = Enum.Parse<InvertMode>(result.GetValue(invert)!, ignoreCase: true);
            var notes = new List<string>();
            var prepared = new List<PreparedImage>();
            foreach (string input in result.GetValue(inputs)!)
            {
                prepared.AddRange(InputImages.Read(input, mode, notes));
            }

            using LeNetClassifier classifier = ModelFile.Load(result.GetValue(model)!.FullName);
            float[] probabilities = Classify(classifier, prepared);
            TextWriter output = result.InvocationConfiguration.Output;
            int k = result.GetValue(top);
            if (result.GetValue(json))
            {
                WriteJson(output, prepared, probabilities, classifier.Labels, k);
            }
            else
            {
                WriteText(output, prepared, probabilities, classifier.Labels, k);
            }

            // Notes wait for success, so that a failure stays the one line on stderr.
            foreach (string note in notes)
            {
                result.InvocationConfiguration.Error.WriteLine(note);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Classifies every image in batches; returns N x 10 probabilities.</summary>
    private static float[] Classify(LeNetClassifier classifier, List<PreparedImage> images)
    {
        float[] probabilities = new float[images.Count * LeNetClassifier.ClassCount];
        float[] batch = new float[Batch * LeNetClassifier.PixelsPerImage];
        float[] logits = new float[Batch * LeNetClassifier.ClassCount];
        for (int start = 0; start < images.Count; start += Batch)
        {
            int count = Math.Min(Batch, images.Count - start);
            for (int i = 0; i < count; i++)
            {
                images[start + i].Pixels.CopyTo(batch, i * LeNetClassifier.PixelsPerImage);
            }

            classifier.Classify(
                batch.AsSpan(0, count * LeNetClassifier.PixelsPerImage),
                logits.AsSpan(0, count * LeNetClassifier.ClassCount),
                probabilities.AsSpan(start * LeNetClassifier.ClassCount, count * LeNetClassifier.ClassCount));
        }

        return probabilities;
    }

    private static int[] Top(float[] probabilities, int image, int k)
    {
        int[] indices = new int[k];
        LeNetClassifier.TopK(probabilities.AsSpan(image * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount), indices);
        return indices;
    }

    private static void WriteText(TextWriter output, List<PreparedImage> images, float[] probabilities, IReadOnlyList<string> labels, int k)
    {
        var text = new StringBuilder();
        for (int n = 0; n < images.Count; n++)
        {
            int[] top = Top(probabilities, n, k);
            float Probability(int label) => probabilities[(n * LeNetClassifier.ClassCount) + label];
            text.Append(CultureInfo.InvariantCulture, $"{images[n].Name}: {labels[top[0]]} ({Probability(top[0]):0.000})");
            if (images[n].Conversion is { } conversion)
            {
                text.Append(CultureInfo.InvariantCulture, $" [{conversion}]");
            }

            text.Append('\n');
            for (int r = 0; r < k; r++)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {r + 1}. {labels[top[r]]} {Probability(top[r]):0.000}\n");
            }
        }

        output.Write(text.ToString());
    }

    private static void WriteJson(TextWriter output, List<PreparedImage> images, float[] probabilities, IReadOnlyList<string> labels, int k)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            for (int n = 0; n < images.Count; n++)
            {
                int[] top = Top(probabilities, n, k);
                ReadOnlySpan<float> scores = probabilities.AsSpan(n * LeNetClassifier.ClassCount, LeNetClassifier.ClassCount);
                writer.WriteStartObject();
                writer.WriteString("input", images[n].Name);
                PredictionJson.WriteBest(writer, labels, scores, top[0]);
                writer.WriteBoolean("inverted", images[n].Inverted);
                if (images[n].Conversion is { } conversion)
                {
                    writer.WriteString("conversion", conversion);
                }
                else
                {
                    writer.WriteNull("conversion");
                }

                PredictionJson.WriteTop(writer, labels, scores, top);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
