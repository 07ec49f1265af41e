using System.CommandLine;
using System.Globalization;
using LeNetOnnx.Builder.IO;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet artifacts</c>: write the training artifacts of a variant and an optimizer.</summary>
internal static class ArtifactsCommand
{
    public static Command Create()
    {
        Option<string> variant = CommonOptions.Variant();
        Option<int> opset = CommonOptions.Opset();
        Option<ulong> seed = CommonOptions.Seed();
        var recipe = new Option<string>("--recipe", "-r") { Description = $"Start from a training recipe's network, optimizer, loss and seed ({string.Join(", ", Recipes.Names)}); the other options change it." };
        recipe.AcceptOnlyFromAmong([.. Recipes.Names]);
        var optimizer = new Option<string>("--optimizer")
        {
            Description = $"{string.Join(", ", OptimizerOptions.Names)} (torch.optim semantics; keras-adam as Keras' Adam); default sgd.",
        };
        optimizer.AcceptOnlyFromAmong([.. OptimizerOptions.Names]);
        var lr = new Option<double?>("--lr") { Description = "Learning rate (the d2l recipe's 0.9 for sgd, 0.001 for the Adams).", };
        var momentum = new Option<double?>("--momentum") { Description = "SGD momentum." };
        var dampening = new Option<double?>("--dampening") { Description = "SGD dampening." };
        var nesterov = new Option<bool?>("--nesterov") { Description = "SGD Nesterov momentum (needs --momentum > 0)." };
        nesterov.Arity = ArgumentArity.ZeroOrOne;
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (L2 for sgd/adam, decoupled for adamw and keras-adam)." };
        var betas = new Option<double[]>("--betas") { Description = "Adam betas, two numbers (default 0.9 0.999).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var eps = new Option<double?>("--eps") { Description = "Adam epsilon (default 1e-8; keras-adam 1e-7)." };
        var from = new Option<FileInfo>("--from")
        {
            Description = "Start from the weights of this LeNetOnnx model (e.g. a trained one) instead of seeded ones; its variant is used.",
        };
        Option<double?> smoothing = CommonOptions.LabelSmoothing("Label smoothing ε of the training model's loss");
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "A new or empty directory; written whole or not at all.", Required = true };
        var command = new Command("artifacts", "Write training, eval, optimizer and inference models plus an initial checkpoint (all standard ONNX operators) and recipe.json, the loop's settings for a trainer in another runtime.")
        {
            recipe, variant, optimizer, lr, momentum, dampening, nesterov, weightDecay, betas, eps, smoothing, opset, seed, from, output,
        };
        command.SetAction(result =>
        {
            // Without a recipe: the d2l network and seed with the optimizer asked for, sgd at lr 0.9 or an Adam at 0.001.
            string? recipeName = result.GetValue(recipe);
            TrainingRecipe start = recipeName is null ? Recipes.D2l : Recipes.Get(recipeName);
            OptimizerKind kind = ParsedKind(result, optimizer) ?? start.Optimizer.Kind;
            double? defaultRate = recipeName is null && kind != OptimizerKind.Sgd ? 0.001 : null;
            double[]? b = Given(result, betas) ? result.GetValue(betas) : null;
            TrainingRecipe chosen = new RecipeOverrides
            {
                Variant = Given(result, variant) ? LeNetVariants.Get(result.GetValue(variant)!) : null,
                Optimizer = kind,
                LearningRate = result.GetValue(lr) ?? defaultRate,
                Momentum = result.GetValue(momentum),
                Dampening = result.GetValue(dampening),
                Nesterov = result.GetValue(nesterov),
                WeightDecay = result.GetValue(weightDecay),
                Beta1 = b?[0],
                Beta2 = b?[1],
                Epsilon = result.GetValue(eps),
                Seed = Given(result, seed) ? result.GetValue(seed) : null,
                LabelSmoothing = result.GetValue(smoothing),
            }.ApplyTo(start);
            OptimizerOptions options = chosen.Optimizer;
            if (kind != OptimizerKind.Sgd && (Given(result, momentum) || Given(result, dampening) || Given(result, nesterov)))
            {
                throw new UsageException($"--momentum, --dampening and --nesterov apply to sgd, not {options.Name}.");
            }

            if (kind == OptimizerKind.Sgd && (Given(result, betas) || Given(result, eps)))
            {
                throw new UsageException("--betas and --eps apply to adam, adamw and keras-adam, not sgd.");
            }

            DirectoryInfo directory = result.GetValue(output)!;
            LeNetOptions lenet = chosen.Variant;
            ulong initialSeed = chosen.Seed;
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

            TrainingArtifacts artifacts = TrainingArtifacts.Create(lenet, options, initialSeed, result.GetValue(opset), weights, chosen.Loss);
            IReadOnlyList<KeyValuePair<string, byte[]>> files = RecipeFile.Files(artifacts, chosen with { Variant = lenet });
            AtomicDirectory.Write(directory.FullName, files);
            TextWriter o = result.InvocationConfiguration.Output;
            o.WriteLine($"wrote {directory.FullName}: LeNet-5 '{artifacts.Checkpoint.Variant}', {string.Join(", ", options.Describe().Select(p => $"{p.Key} {p.Value}"))}");
            foreach ((string name, byte[] bytes) in files)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} {bytes.Length,10:N0} bytes"));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static OptimizerKind? ParsedKind(ParseResult result, Option<string> optimizer) =>
        result.GetValue(optimizer) is { } name ? OptimizerOptions.ParseKind(name) : null;
}
