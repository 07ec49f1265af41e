using System.CommandLine;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet summary</c>: the per-layer table of a variant.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        Option<string> variant = CommonOptions.Variant();
        var command = new Command("summary", "Print a variant's layers: operation, output shape, trainable parameters and connections.")
        {
            variant,
        };
        command.SetAction(result =>
        {
            LeNetModel model = LeNet5.Build(LeNetVariants.Get(result.GetValue(variant)!));
            SummaryTable.Write(model, result.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }
}
