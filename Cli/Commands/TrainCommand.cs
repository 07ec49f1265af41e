using LeNetOnnx.Runtime;
using System.CommandLine;
using LeNetOnnx.Builder.Serialization;
using System.Diagnostics;
using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Export;
using LeNetOnnx.Trainer.Loop;
using LeNetOnnx.Trainer.Reports;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet train</c>: train a recipe on Fashion-MNIST (or MNIST) and export the model.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe", "-r") { Description = $"Recipe: {string.Join(", ", Recipes.Names)}.", DefaultValueFactory = _ => "d2l" };
        recipe.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string>();
            if (!Recipes.Names.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                r.AddError($"Unknown recipe '{value}'; use one of: {string.Join(", ", Recipes.Names)}.");
            }
        });
        Option<string> variant = CommonOptions.Variant();
        variant.DefaultValueFactory = null;
        var optimizer = new Option<string>("--optimizer") { Description = $"Override the recipe's optimizer: {string.Join(", ", OptimizerOptions.Names)} (with that library's defaults)." };
        optimizer.AcceptOnlyFromAmong([.. OptimizerOptions.Names]);
        var lr = new Option<double?>("--lr") { Description = "Override the learning rate." };
        var momentum = new Option<double?>("--momentum") { Description = "Override SGD momentum." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Override weight decay." };
        var batch = new Option<int?>("--batch-size", "-b") { Description = "Override the batch size." };
        var epochs = new Option<int?>("--epochs", "-e") { Description = "Override the number of epochs." };
        var seed = new Option<ulong?>("--seed") { Description = "Override the seed (weights, shuffling, augmentation)." };
        var schedule = new Option<string>("--schedule") { Description = "Override the schedule: constant or cosine (warm-up, then cosine decay)." };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var shift = new Option<int?>("--shift") { Description = "Augmentation: random shift up to N pixels." };
        var flip = new Option<bool?>("--flip") { Description = "Augmentation: random horizontal flips." };
        Option<double?> smoothing = CommonOptions.LabelSmoothing("Override the recipe's label smoothing ε of the training loss");
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on only the first N training images, for quick experiments (the test set stays whole)." };
        Option<string> dataSet = CommonOptions.DataSet();
        dataSet.DefaultValueFactory = null;
        var data = new Option<string>("--data") { Description = $"Directory holding (or to receive) the data set; else ${DataDirectorySearch.EnvironmentVariable}, ./data, then Debian's path." };
        Option<string> device = CommonOptions.Device();
        var tf32 = new Option<bool>("--tf32") { Description = "CUDA only: allow TF32 math (off by default, for parity)." };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads in all (0: one per core), shared among the replicas.", DefaultValueFactory = _ => 0 };
        threads.Validators.Add(r => CommonOptions.InRange(r, 0, 256));
        var replicas = new Option<int>("--replicas") { Description = "Sessions training on slices of every batch in parallel, gradients averaged (0: 2 on CPU, 1 on CUDA); a resumed run must keep its count.", DefaultValueFactory = _ => 0 };
        replicas.Validators.Add(r => CommonOptions.InRange(r, 0, 64));
        shift.Validators.Add(r => CommonOptions.InRange(r, 0, Augmentation.LargestShift));
        var runDir = new Option<string>("--run-dir") { Description = "Where the checkpoint and metrics.jsonl go (default runs/<recipe>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run directory's checkpoint." };
        var from = new Option<FileInfo?>("--from") { Description = "Start from the weights of this LeNetOnnx model (e.g. one made by lenet import) instead of seeded ones; its variant is trained." };
        var output = new Option<string>("--output", "-o") { Description = "The exported model (default models/lenet-<variant or recipe>.onnx); a model card and reference file go beside it." };
        var command = new Command("train", "Train LeNet-5 on Fashion-MNIST (or MNIST) with ONNX Runtime, checkpointing every epoch, and export the model.")
        {
            recipe, variant, optimizer, lr, momentum, weightDecay, batch, epochs, seed, schedule, shift, flip, smoothing, trainLimit, dataSet, data, device, tf32, threads, replicas, runDir, resume, from, output,
        };
        command.SetAction(async (result, cancellation) =>
        {
            ImportedModel? start = null;
            if (result.GetValue(from) is { } startModel)
            {
                if (result.GetValue(resume))
                {
                    throw new UsageException("--from and --resume: the checkpoint already holds the weights the run started from; leave --from out to continue it.");
                }

                start = LeNetModelReader.Read(startModel.FullName);
                if (result.GetValue(variant) is { } named && !string.Equals(named, start.Variant.Variant, StringComparison.OrdinalIgnoreCase))
                {
                    throw new UsageException($"--variant {named} does not match the model '{startModel.FullName}', which is '{start.Variant.Variant}'; leave --variant out.");
                }
            }

            TrainingRecipe r = new RecipeOverrides
            {
                Variant = start?.Variant ?? (result.GetValue(variant) is { } v ? LeNetVariants.Get(v) : null),
                Optimizer = result.GetValue(optimizer) is { } name ? OptimizerOptions.ParseKind(name) : null,
                LearningRate = result.GetValue(lr),
                Momentum = result.GetValue(momentum),
                WeightDecay = result.GetValue(weightDecay),
                BatchSize = result.GetValue(batch),
                Epochs = result.GetValue(epochs),
                Seed = result.GetValue(seed),
                Schedule = result.GetValue(schedule) switch { "cosine" => LearningRateScheduleKind.WarmupCosine, "constant" => LearningRateScheduleKind.Constant, _ => null },
                MaxShift = result.GetValue(shift),
                HorizontalFlip = result.GetValue(flip),
                DataSet = result.GetValue(dataSet),
                LabelSmoothing = result.GetValue(smoothing),
                TrainImages = result.GetValue(trainLimit),
            }.ApplyTo(Recipes.Get(result.GetValue(recipe)!));
            string runDirectory = result.GetValue(runDir) ?? Path.Combine("runs", r.Name);
            string outputPath = result.GetValue(output) ?? Path.Combine("models", r.ModelFileName);
            if (Directory.Exists(outputPath))
            {
                throw new UsageException($"--output '{Path.GetFullPath(outputPath)}' is a directory; give the path of the .onnx file to write.");
            }

            OutputLocation.CheckWritable(runDirectory, "--run-dir");
            OutputLocation.CheckWritable(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, "--output");
            TextWriter console = result.InvocationConfiguration.Output;
            TextWriter log = result.InvocationConfiguration.Error;
            using var http = new HttpClient();
            var progress = new SynchronousProgress<DataSetProgress>(p => log.WriteLine($"data: {p}"));
            DataSetSplits splits = await DataSetCatalog.LoadAsync(r.DataSet, DataDirectorySearch.FromProcess(result.GetValue(data)), new DataSetDownloader(http), progress, cancellation).ConfigureAwait(false);
            if (result.GetValue(resume) && !File.Exists(Path.Combine(runDirectory, TrainingRun.CheckpointFileName)))
            {
                throw new UsageException($"--resume: the checkpoint '{Path.GetFullPath(Path.Combine(runDirectory, TrainingRun.CheckpointFileName))}' does not exist; give the --run-dir of the run to continue.");
            }

            if (start?.Labels is { } startLabels && !startLabels.SequenceEqual(splits.Description.ClassNames, StringComparer.Ordinal))
            {
                throw new UsageException(
                    $"--from: the model '{result.GetValue(from)!.FullName}' classifies into {string.Join(", ", startLabels.Take(3))}, …, but {splits.Description.Name} has the classes {string.Join(", ", splits.Description.ClassNames.Take(3))}, …; fine-tune it on the data set it was made for (--dataset, --data).");
            }

            var run = new TrainingRun(r, splits, new TrainingRunOptions
            {
                InitialWeights = start?.Weights,
                RunDirectory = runDirectory,
                Resume = result.GetValue(resume),
                Device = CommonOptions.ParseDevice(result.GetValue(device)!),
                Threads = result.GetValue(threads),
                Replicas = result.GetValue(replicas),
                AllowTf32 = result.GetValue(tf32),
            });
            CommonOptions.ReportDeviceFallback(log, run.DeviceFallbackReason, "training");
            var bar = new ProgressLine(console);
            run.StepCompleted += (s, batches) => bar.Update(s.Batch, batches, s.Loss);
            if (r.RunningLossInterval is { } interval)
            {
                var running = new RunningLoss(interval);
                run.StepCompleted += (s, _) =>
                {
                    if (running.Add(s) is { } line)
                    {
                        bar.Clear();
                        console.WriteLine(line);
                    }
                };
            }

            run.EpochCompleted += m =>
            {
                bar.Clear();
                console.WriteLine(m);
            };
            console.WriteLine($"training {TrainingRun.Describe(r)}{(start is null ? "" : $", starting from the weights of {result.GetValue(from)!.FullName}")}; data from {run.Data.Directory}");
            var clock = Stopwatch.StartNew();
            TrainingOutcome outcome;
            try
            {
                outcome = run.Run(cancellation);
            }
            catch (OperationCanceledException)
            {
                bar.Clear();
                log.WriteLine($"lenet: interrupted; the checkpoint in '{Path.GetFullPath(runDirectory)}' holds the position reached. Continue with the same options and --resume.");
                return ExitCodes.Interrupted;
            }

            console.WriteLine($"device {run.Device} ({run.Replicas} replica{(run.Replicas == 1 ? "" : "s")}), wall time {clock.Elapsed.TotalSeconds:F1} s");
            if (outcome.TestConfusion is { } confusion)
            {
                console.Write(confusion.ToText());
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
            string reproduce = "lenet train " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2));
            foreach (string written in TrainedModelExport.Write(outputPath, r, outcome, run.Data, reproduce.Trim(), clock.Elapsed))
            {
                console.WriteLine($"wrote {written}");
            }

            if (outcome.TestConfusion is { } testConfusion)
            {
                string title = $"LeNet-5 {r.Variant.Variant}, recipe {r.Name}";
                foreach (string written in TrainingPlots.Write(runDirectory, title, outcome.Metrics, testConfusion, run.Data.Test, outcome.TestPredictions))
                {
                    console.WriteLine($"wrote {Path.GetFullPath(written)}");
                }
            }

            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {outcome.Metrics[^1].TestAccuracy:F4}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
