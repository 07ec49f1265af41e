using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using LeNetOnnx.Builder.Import;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Cli.Import;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Commands;

/// <summary>
/// <c>lenet import</c>: turns a LeNet-5 exported by another tool (<c>torch.onnx.export</c>) into a
/// LeNetOnnx contract model, and keeps it only when both models give the same outputs.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Metadata keys of an imported model.</summary>
    public const string SourceKey = "lenet.import.source";

    /// <inheritdoc cref="SourceKey"/>
    public const string HashKey = "lenet.import.sha256";

    /// <inheritdoc cref="SourceKey"/>
    public const string InputKey = "lenet.import.input";

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model to import (e.g. from torch.onnx.export of a LeNet-5).", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The LeNetOnnx model to write (only when both models agree).", Required = true };
        var variant = new Option<string?>("--variant") { Description = $"The variant the model must be ({string.Join(", ", LeNetVariants.Names)}); recognised when left out." };
        var labels = new Option<string>("--labels") { Description = "The class names: fashion-mnist, digits, or a file of 10 lines.", DefaultValueFactory = _ => "fashion-mnist" };
        var inputScale = new Option<int>("--input-scale") { Description = "What the model was fed: 1 for pixel/255 (ToTensor), 255 for raw bytes.", DefaultValueFactory = _ => 1 };
        inputScale.AcceptOnlyFromAmong("1", "255");
        var normalized = new Option<string?>("--normalized") { Description = "MEAN,STD: the model was fed (x − MEAN) / STD after the scale, e.g. 0.5,0.5 for the PyTorch tutorial's Normalize." };
        var data = new Option<string>("--data") { Description = $"Where the Fashion-MNIST test images of the proof are; else ${DataDirectorySearch.EnvironmentVariable}, ./data, Debian's path, or a fixed synthetic set." };
        variant.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && !LeNetVariants.TryGet(name, out _))
            {
                result.AddError($"Unknown variant '{name}'; use one of: {string.Join(", ", LeNetVariants.Names)}.");
            }
        });
        var command = new Command("import", "Import a LeNet-5 exported by another tool (PyTorch's torch.onnx.export) as a LeNetOnnx model, proving both give the same outputs.")
        {
            model, output, variant, labels, inputScale, normalized, data,
        };
        command.SetAction(result =>
        {
            FileInfo source = result.GetValue(model)!;
            string target = result.GetValue(output)!.FullName;
            if (!source.Exists)
            {
                throw new UsageException($"The model '{source.FullName}' does not exist.");
            }

            if (source.Length > ForeignModelImporter.MaxBytes)
            {
                throw new UsageException($"'{source.FullName}' has {source.Length:N0} bytes; a LeNet-5 has about 250 KB (limit {ForeignModelImporter.MaxBytes:N0}).");
            }

            IReadOnlyList<string> classNames = ClassNames(result.GetValue(labels)!);
            InputConvention convention = Convention(result.GetValue(inputScale), result.GetValue(normalized));
            byte[] foreign = File.ReadAllBytes(source.FullName);
            RecognizedModel recognized = ForeignModelImporter.Recognize(
                foreign, source.Name, convention, result.GetValue(variant) is { } name ? LeNetVariants.Get(name) : null);
            byte[] imported = ForeignModelImporter.ToContractModel(recognized, classNames,
            [
                new(SourceKey, source.Name),
                new(HashKey, Convert.ToHexStringLower(SHA256.HashData(foreign))),
                new(InputKey, convention.Describe()),
            ]);
            ImportProofResult proof = ImportProof.Run(foreign, source.Name, imported, recognized, result.GetValue(data));
            string difference = proof.LargestDifference.ToString("G3", CultureInfo.InvariantCulture);
            string compared = $"{recognized.Output switch { ForeignOutput.Probabilities => "probabilities", ForeignOutput.LogProbabilities => "log-probabilities", _ => "logits" }} on {proof.Source}";
            if (!proof.Holds)
            {
                throw new ModelImportException(
                    $"the import of '{source.Name}' as '{recognized.Variant.Variant}' does not compute the same function: its {compared} differ by up to {difference} (tolerance {ImportProofResult.Tolerance:G1}), {proof.ArgmaxDifferences} of {proof.Images} top classes differ; nothing was written. Check --input-scale and --normalized.");
            }

            AtomicFile.WriteAllBytes(target, imported);
            TextWriter o = result.InvocationConfiguration.Output;
            o.WriteLine($"read {source.Name}: {recognized.Chain}");
            o.WriteLine($"recognised LeNet-5 '{recognized.Variant.Variant}', fed {convention.Describe()}");
            o.WriteLine($"proof: {compared}: largest difference {difference}, every top class equal");
            o.WriteLine($"wrote {target}: {imported.Length:N0} bytes");
            return ExitCodes.Success;
        });
        return command;
    }

    private static IReadOnlyList<string> ClassNames(string labels) => labels switch
    {
        "fashion-mnist" => FashionMnist.Description.ClassNames,
        "digits" => Mnist.ClassNames,
        _ when File.Exists(labels) => IdxDirectory.ReadClassNames(labels),
        _ => throw new UsageException($"--labels '{labels}' is neither fashion-mnist, digits, nor a file of 10 class names."),
    };

    private static InputConvention Convention(int scale, string? normalized)
    {
        if (normalized is null)
        {
            return InputConvention.Of(scale);
        }

        string[] parts = normalized.Split(',');
        if (parts.Length != 2
            || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float mean)
            || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float std))
        {
            throw new UsageException($"--normalized '{normalized}' is not MEAN,STD (e.g. 0.5,0.5).");
        }

        return InputConvention.Of(scale, mean, std);
    }
}
