using System.CommandLine;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet build</c>: write an untrained inference model.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        Option<string> variant = CommonOptions.Variant();
        Option<int> opset = CommonOptions.Opset();
        Option<ulong> seed = CommonOptions.Seed();
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "The .onnx file to write (atomically: no partial file on failure).",
            Required = true,
        };
        var command = new Command("build", "Build a LeNet-5 variant as an ONNX inference model with seeded Xavier-uniform weights.")
        {
            variant, output, opset, seed,
        };
        command.SetAction(result =>
        {
            LeNetModel model = LeNet5.Build(LeNetVariants.Get(result.GetValue(variant)!), result.GetValue(seed), result.GetValue(opset));
            FileInfo file = result.GetValue(output)!;
            byte[] bytes = model.ToOnnxBytes();
            AtomicFile.WriteAllBytes(file.FullName, bytes);
            result.InvocationConfiguration.Output.WriteLine(
                $"wrote {file.FullName}: LeNet-5 '{model.Options.Variant}', opset {model.Graph.OpsetVersion}, {model.ParameterCount:N0} parameters, {bytes.Length:N0} bytes");
            return ExitCodes.Success;
        });
        return command;
    }
}
