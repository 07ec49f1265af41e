using LeNetOnnx.Runtime;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Cli.Commands;

/// <summary><c>lenet profile</c>: where the time of a training step goes, from ONNX Runtime's profiler.</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        Option<string> variant = CommonOptions.Variant();
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam or adamw.", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        var batch = new Option<int>("--batch-size", "-b") { Description = "Images per step.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Training steps profiled (after 5 warm-up steps).", DefaultValueFactory = _ => 30 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: one per core).", DefaultValueFactory = _ => 1 };
        var top = new Option<int>("--top") { Description = "Rows per table.", DefaultValueFactory = _ => 12 };
        batch.Validators.Add(r => CommonOptions.InRange(r, 1, 65_536));
        steps.Validators.Add(r => CommonOptions.InRange(r, 1, int.MaxValue));
        threads.Validators.Add(r => CommonOptions.InRange(r, 0, int.MaxValue));
        top.Validators.Add(r => CommonOptions.InRange(r, 1, int.MaxValue));
        var command = new Command("profile", "Profile training steps with ONNX Runtime's profiler and print the kernel time per op type and per node.")
        {
            variant, optimizer, batch, steps, threads, top,
        };
        command.SetAction(result =>
        {
            int size = result.GetValue(batch);
            int count = result.GetValue(steps);
            var options = new OptimizerOptions { Kind = OptimizerOptions.ParseKind(result.GetValue(optimizer)!), LearningRate = 0.01 };
            TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(result.GetValue(variant)!), options);
            string directory = Directory.CreateTempSubdirectory("lenet-profile-").FullName;
            try
            {
                // Kernel times do not depend on the pixel values, so seeded noise stands in for data.
                var random = new Random(1);
                byte[] pixels = new byte[size * 784];
                random.NextBytes(pixels);
                byte[] labels = [.. Enumerable.Range(0, size).Select(_ => (byte)random.Next(10))];
                var noise = new ImageDataSet("noise", pixels, labels, 28, 28, 10);
                var buffer = new BatchBuffer(size, 784);
                new Batcher(noise, size).Fill(ShuffleOrder.Identity(size), 0, 0, buffer);
                using SessionOptions session = DeviceSelection.CreateSessionOptions(ExecutionDevice.Cpu, result.GetValue(threads), allowTf32: false);
                using (var warm = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, session))
                {
                    for (int s = 1; s <= 5; s++)
                    {
                        warm.TrainStep(0.01f, s);
                    }
                }

                // The prefix must be set first: enabling reads it once.
                session.ProfileOutputPathPrefix = Path.Combine(directory, "step");
                session.EnableProfiling = true;
                using var engine = new TrainingEngine(TrainingModelSet.From(artifacts), artifacts.Checkpoint, buffer, session);
                var clock = Stopwatch.StartNew();
                for (int s = 1; s <= count; s++)
                {
                    engine.TrainStep(0.01f, s);
                }

                double perStep = clock.Elapsed.TotalMilliseconds / count;
                (IReadOnlyList<ProfileRow> byOp, IReadOnlyList<ProfileRow> byNode) = OnnxRuntimeProfile.Summarize(engine.EndProfiling());
                TextWriter o = result.InvocationConfiguration.Output;
                var c = CultureInfo.InvariantCulture;
                o.WriteLine(string.Create(c, $"{result.GetValue(variant)}, {options.Name}, batch {size}, {result.GetValue(threads)} thread(s): {perStep:F2} ms per step with profiling on ({size / perStep * 1000:N0} img/s), {count} steps"));
                o.WriteLine();
                o.WriteLine("| op type | kernel time | share | calls |");
                o.WriteLine("|---|---|---|---|");
                foreach (ProfileRow r in byOp.Take(result.GetValue(top)))
                {
                    o.WriteLine(string.Create(c, $"| {r.Name} | {r.Microseconds / 1000.0 / count:F3} ms/step | {r.Share:P1} | {r.Calls / count} per step |"));
                }

                o.WriteLine();
                o.WriteLine("| node | op | kernel time | share |");
                o.WriteLine("|---|---|---|---|");
                foreach (ProfileRow r in byNode.Take(result.GetValue(top)))
                {
                    o.WriteLine(string.Create(c, $"| {r.Name} | {r.OpType} | {r.Microseconds / 1000.0 / count:F3} ms/step | {r.Share:P1} |"));
                }
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
