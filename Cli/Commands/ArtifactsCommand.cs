using System.CommandLine;
using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet artifacts</c>: write the training artifacts of a variant and an optimizer.</summary>
internal static class ArtifactsCommand
{
    public static Command Create()
    {
        Option<string> variant = CommonOptions.Variant();
        Option<int> opset = CommonOptions.Opset();
        Option<ulong> seed = CommonOptions.Seed();
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "sgd, adam or adamw (torch.optim semantics).",
            DefaultValueFactory = _ => "sgd",
        };
        optimizer.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not ("sgd" or "adam" or "adamw"))
            {
                result.AddError($"Unknown optimizer '{value}'; use sgd, adam or adamw.");
            }
        });
        var lr = new Option<double>("--lr") { Description = "Learning rate (the d2l recipe's 0.9 for sgd, 0.001 for adam/adamw).", };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum." };
        var dampening = new Option<double>("--dampening") { Description = "SGD dampening." };
        var nesterov = new Option<bool>("--nesterov") { Description = "SGD Nesterov momentum (needs --momentum > 0)." };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay (L2 for sgd/adam, decoupled for adamw)." };
        var betas = new Option<double[]>("--betas") { Description = "Adam betas, two numbers (default 0.9 0.999).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var eps = new Option<double>("--eps") { Description = "Adam epsilon.", DefaultValueFactory = _ => 1e-8 };
        var from = new Option<FileInfo>("--from")
        {
            Description = "Start from the weights of this LeNetOnnx model (e.g. a trained one) instead of seeded ones; its variant is used.",
        };
        Option<double?> smoothing = CommonOptions.LabelSmoothing("Label smoothing ε of the training model's loss");
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "A new or empty directory; written whole or not at all.", Required = true };
        var command = new Command("artifacts", "Write training, eval, optimizer and inference models plus an initial checkpoint, all standard ONNX operators.")
        {
            variant, optimizer, lr, momentum, dampening, nesterov, weightDecay, betas, eps, smoothing, opset, seed, from, output,
        };
        command.SetAction(result =>
        {
            OptimizerKind kind = OptimizerOptions.ParseKind(result.GetValue(optimizer)!);
            double[] b = Given(result, betas) ? result.GetValue(betas)! : [0.9, 0.999];
            var options = new OptimizerOptions
            {
                Kind = kind,
                LearningRate = Given(result, lr) ? result.GetValue(lr) : (kind == OptimizerKind.Sgd ? 0.9 : 0.001),
                Momentum = result.GetValue(momentum),
                Dampening = result.GetValue(dampening),
                Nesterov = result.GetValue(nesterov),
                WeightDecay = result.GetValue(weightDecay),
                Beta1 = b[0],
                Beta2 = b[1],
                Epsilon = result.GetValue(eps),
            };
            if (kind != OptimizerKind.Sgd && (Given(result, momentum) || Given(result, dampening) || Given(result, nesterov)))
            {
                throw new UsageException($"--momentum, --dampening and --nesterov apply to sgd, not {options.Name}.");
            }

            if (kind == OptimizerKind.Sgd && (Given(result, betas) || Given(result, eps)))
            {
                throw new UsageException("--betas and --eps apply to adam and adamw, not sgd.");
            }

            options.Validate();
            DirectoryInfo directory = result.GetValue(output)!;
            LeNetOptions lenet = LeNetVariants.Get(result.GetValue(variant)!);
            ulong initialSeed = result.GetValue(seed);
            IReadOnlyDictionary<string, float[]>? weights = null;
            if (result.GetValue(from) is { } model)
            {
                ImportedModel imported = LeNetModelReader.Read(model.FullName);
                if (Given(result, variant) && imported.Variant.Variant != lenet.Variant)
                {
                    throw new UsageException($"--variant {lenet.Variant} does not match the model '{model.FullName}', which is '{imported.Variant.Variant}'; leave --variant out.");
                }

                (lenet, weights) = (imported.Variant, imported.Weights);
                initialSeed = Given(result, seed) ? initialSeed : imported.Seed;
            }

            TrainingArtifacts artifacts = TrainingArtifacts.Create(lenet, options, initialSeed, result.GetValue(opset), weights, result.GetValue(smoothing) ?? 0);
            artifacts.WriteTo(directory.FullName);
            TextWriter o = result.InvocationConfiguration.Output;
            o.WriteLine($"wrote {directory.FullName}: LeNet-5 '{artifacts.Checkpoint.Variant}', {string.Join(", ", options.Describe().Select(p => $"{p.Key} {p.Value}"))}");
            foreach ((string name, byte[] bytes) in artifacts.Files)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} {bytes.Length,10:N0} bytes"));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };
}
