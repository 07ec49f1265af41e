using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Cli.Benchmarks;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Cli.Commands;

/// <summary>
/// <c>lenet bench</c>: whole-pipeline speed on this machine: training epochs of the d2l recipe,
/// Runtime inference at batch 256, single-image latency, concurrent callers through the batching
/// front, and the machine's FMA peak to put them against.
/// </summary>
internal static class BenchCommand
{
    private static readonly string[] Parts = ["all", "train", "inference", "peak"];

    public static Command Create()
    {
        var part = new Option<string>("--part") { Description = "What to measure: all, train, inference or peak.", DefaultValueFactory = _ => "all" };
        part.AcceptOnlyFromAmong(Parts);
        var model = new Option<FileInfo>("--model", "-m") { Description = "The model for the inference figures.", DefaultValueFactory = _ => new FileInfo(Path.Combine("models", "lenet-classic.onnx")) };
        var epochs = new Option<int>("--epochs", "-e") { Description = "Training epochs of the d2l recipe (the per-epoch figure is the mean after the first).", DefaultValueFactory = _ => 3 };
        epochs.Validators.Add(r => CommonOptions.InRange(r, 1, 100));
        var threads = new Option<int>("--threads") { Description = "Threads in all (0: one per core): training replicas × intra-op threads, and the parallel slices of an inference batch.", DefaultValueFactory = _ => 0 };
        threads.Validators.Add(r => CommonOptions.InRange(r, 0, 256));
        var replicas = new Option<int>("--replicas") { Description = "Training replicas (0: the train command's default).", DefaultValueFactory = _ => 0 };
        replicas.Validators.Add(r => CommonOptions.InRange(r, 0, 64));
        var batch = new Option<int>("--batch") { Description = "Batch size of the inference throughput figure.", DefaultValueFactory = _ => 256 };
        batch.Validators.Add(r => CommonOptions.InRange(r, 1, 10_000));
        var callers = new Option<int>("--callers") { Description = "Concurrent single-image callers through the batching front.", DefaultValueFactory = _ => 64 };
        callers.Validators.Add(r => CommonOptions.InRange(r, 1, 4096));
        // The bench measures many callers at once, so it lets a batch wait 1 ms to fill, where the
        // library's default (for callers that may be few) runs whatever is queued at once.
        var maxBatch = new Option<int>("--max-batch") { Description = "Batching front: largest batch it forms.", DefaultValueFactory = _ => new BatchingOptions().MaxBatchSize };
        maxBatch.Validators.Add(r => CommonOptions.InRange(r, 1, BatchingOptions.LargestMaxBatchSize));
        var maxDelay = new Option<double>("--max-delay-ms") { Description = "Batching front: longest wait for a batch to fill, in ms (the library's default is 0).", DefaultValueFactory = _ => 1.0 };
        maxDelay.Validators.Add(r => CommonOptions.InRange(r, 0, BatchingOptions.LongestMaxDelay.TotalMilliseconds));
        var seconds = new Option<double>("--seconds") { Description = "Duration of each inference measurement.", DefaultValueFactory = _ => 3.0 };
        seconds.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && double.TryParse(r.Tokens[^1].Value, CultureInfo.InvariantCulture, out double s) && !(s is >= 0.1 and <= 600))
            {
                r.AddError($"--seconds {r.Tokens[^1].Value} is out of range; use 0.1 to 600.");
            }
        });
        var data = new Option<string>("--data") { Description = $"Directory holding the data set; else ${DataDirectorySearch.EnvironmentVariable}, ./data, then Debian's path." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object instead of a table." };
        var command = new Command("bench", "Measure training and inference speed on this machine against its floating-point peak.")
        {
            part, model, epochs, threads, replicas, batch, callers, maxBatch, maxDelay, seconds, data, json,
        };
        command.SetAction(async (result, cancellation) =>
        {
            string what = result.GetValue(part)!;
            TextWriter log = result.InvocationConfiguration.Error;
            var report = new BenchReport();
            NetworkCost cost = NetworkCost.Of(LeNet5.Build(LeNetVariants.Classic, seed: 1));
            int totalThreads = result.GetValue(threads) is > 0 and int t ? t : Environment.ProcessorCount;
            report.AddJson("machine", Machine());
            report.AddJson("threads", totalThreads);

            double peak = double.NaN;
            if (what is "all" or "peak")
            {
                log.WriteLine("bench: measuring the FMA peak (3 s)");
                peak = PeakFlops.Measure(TimeSpan.FromSeconds(3));
                report.Add("peak_gflops", "FMA peak, all cores", peak / 1e9, "F1", "GFLOP/s", $"{Environment.ProcessorCount} cores");
                report.Add("limit_training_images_per_second", "hardware limit, training", peak / cost.TrainingFlop, "N0", "img/s", $"{cost.TrainingFlop:N0} FLOP/image");
                report.Add("limit_inference_images_per_second", "hardware limit, inference", peak / cost.ForwardFlop, "N0", "img/s", $"{cost.ForwardFlop:N0} FLOP/image");
            }

            DataSetSplits? splits = null;
            if (what is "all" or "train" or "inference")
            {
                using var http = new HttpClient();
                splits = await new DataSetProvider(new DataSetDownloader(http))
                    .LoadAsync(FashionMnist.Description, DataDirectorySearch.FromProcess(result.GetValue(data)), new SynchronousProgress<DataSetProgress>(p => log.WriteLine($"data: {p}")), cancellation)
                    .ConfigureAwait(false);
            }

            if (what is "all" or "train")
            {
                TrainingRecipe recipe = Recipes.D2l with { Epochs = result.GetValue(epochs) };
                log.WriteLine($"bench: training {TrainingRun.Describe(recipe)}");
                (IReadOnlyList<EpochTiming> timings, int usedReplicas, double kernelRate) = new TrainingBenchmark(recipe, splits!, result.GetValue(threads), result.GetValue(replicas))
                    .Run(TimeSpan.FromSeconds(result.GetValue(seconds)), cancellation);
                IReadOnlyList<EpochTiming> steady = timings.Count > 1 ? timings.Skip(1).ToList() : timings;
                double epochSeconds = steady.Average(e => e.Seconds);
                double rate = splits!.Train.Count / epochSeconds;
                report.Add("train_epoch_seconds", "training epoch (d2l, batch 256)", epochSeconds, "F2", "s", $"{usedReplicas} replica{(usedReplicas == 1 ? "" : "s")}; mean of epochs {steady[0].Epoch}-{steady[^1].Epoch}, test evaluation included");
                report.Add("train_images_per_second", "training throughput", rate, "N0", "img/s", FractionOf(rate, peak, cost.TrainingFlop));
                double kernelEpoch = splits.Train.Count / kernelRate;
                report.Add("train_kernel_images_per_second", "training sessions alone", kernelRate, "N0", "img/s", "the replicas' training runs on one batch, never waiting for each other: no optimizer, data or evaluation");
                report.Add("train_kernel_epoch_seconds", "epoch at that rate", kernelEpoch, "F2", "s",
                    string.Create(CultureInfo.InvariantCulture, $"{kernelEpoch / epochSeconds:P0} of the measured epoch"));
                report.Add("train_final_test_accuracy", "test accuracy after the last epoch", timings[^1].TestAccuracy, "F4", "");
                report.AddJson("train_epochs", new JsonArray([.. timings.Select(e => (JsonNode)new JsonObject { ["epoch"] = e.Epoch, ["seconds"] = e.Seconds, ["test_accuracy"] = e.TestAccuracy })]));
            }

            if (what is "all" or "inference")
            {
                string path = result.GetValue(model)!.FullName;
                // Each figure with the options that workload calls for: a large batch in slices of one
                // thread each (data parallel), one image on intra-op threads that spin between runs.
                var throughputOptions = new LeNetClassifierOptions { IntraOpThreads = 1, BatchSlices = Math.Min(totalThreads, LeNetClassifierOptions.MaxBatchSlices) };
                var latencyOptions = new LeNetClassifierOptions { IntraOpThreads = totalThreads, AllowSpinning = true };
                using LeNetClassifier classifier = ModelFile.Load(path, throughputOptions);
                var duration = TimeSpan.FromSeconds(result.GetValue(seconds));
                log.WriteLine($"bench: inference on {path}");
                ThroughputResult throughput = new InferenceBenchmark(classifier, splits!.Test).Throughput(result.GetValue(batch), duration);
                report.Add("inference_images_per_second", $"inference, batch {throughput.Batch}", throughput.ImagesPerSecond, "N0", "img/s", $"{throughputOptions.BatchSlices} parallel slices; " + FractionOf(throughput.ImagesPerSecond, peak, cost.ForwardFlop));

                LatencyResult latency;
                using (LeNetClassifier latencyClassifier = ModelFile.Load(path, latencyOptions))
                {
                    latency = new InferenceBenchmark(latencyClassifier, splits.Test).SingleImage(duration);
                }

                report.Add("single_p50_us", "one image, p50", latency.P50Microseconds, "F1", "µs", $"{latency.Calls:N0} calls, {latencyOptions.IntraOpThreads} intra-op threads");
                report.Add("single_p99_us", "one image, p99", latency.P99Microseconds, "F1", "µs");
                report.Add("single_allocated_bytes", "one image, allocated per call", latency.AllocatedBytesPerCall, "F1", "B", "caller-owned result spans");

                double oneThreadP50 = latency.P50Microseconds;
                if (latencyOptions.IntraOpThreads > 1)
                {
                    // The library's default, one intra-op thread: no second core to wake or wait for,
                    // so the same figure whether or not the host is busy elsewhere.
                    using LeNetClassifier oneThread = ModelFile.Load(path, new LeNetClassifierOptions());
                    LatencyResult single = new InferenceBenchmark(oneThread, splits.Test).SingleImage(duration);
                    report.Add("single_one_thread_p50_us", "one image, 1 thread, p50", single.P50Microseconds, "F1", "µs", $"{single.Calls:N0} calls, the library's default options");
                    report.Add("single_one_thread_p99_us", "one image, 1 thread, p99", single.P99Microseconds, "F1", "µs");
                    oneThreadP50 = single.P50Microseconds;
                }

                // The floor under those tails: the same timing around a fixed computation as long as one image.
                LatencyResult fixedWork = FixedWorkLatency.Measure(oneThreadP50, duration);
                report.Add("fixed_work_p50_us", "fixed work as long as one image, p50", fixedWork.P50Microseconds, "F1", "µs", $"{fixedWork.Calls:N0} calls of one dependent chain, no memory or system calls");
                report.Add("fixed_work_p99_us", "fixed work as long as one image, p99", fixedWork.P99Microseconds, "F1", "µs", "what the host alone adds to the tail of a call that long");

                ConcurrentResult concurrent = await new ConcurrentCallersBenchmark(classifier, splits.Test, new BatchingOptions { MaxBatchSize = result.GetValue(maxBatch), MaxDelay = TimeSpan.FromMilliseconds(result.GetValue(maxDelay)) }).RunAsync(result.GetValue(callers), duration).ConfigureAwait(false);
                report.Add("concurrent_requests_per_second", $"{concurrent.Callers} callers, batching front", concurrent.RequestsPerSecond, "N0", "img/s",
                    string.Create(CultureInfo.InvariantCulture, $"{concurrent.RequestsPerSecond / throughput.ImagesPerSecond:P0} of batch {throughput.Batch}"));
                report.Add("concurrent_p50_us", $"{concurrent.Callers} callers, p50", concurrent.P50Microseconds, "F0", "µs");
                report.Add("concurrent_p99_us", $"{concurrent.Callers} callers, p99", concurrent.P99Microseconds, "F0", "µs");
            }

            TextWriter output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                report.WriteJson(output);
            }
            else
            {
                report.WriteText(output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string FractionOf(double imagesPerSecond, double peakFlops, long flopPerImage) =>
        double.IsFinite(peakFlops)
            ? string.Create(CultureInfo.InvariantCulture, $"{imagesPerSecond * flopPerImage / peakFlops:P1} of the FMA peak")
            : "";

    private static JsonObject Machine() => new()
    {
        ["cpu"] = CpuName(),
        ["cores"] = Environment.ProcessorCount,
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["dotnet"] = Environment.Version.ToString(),
        ["onnxruntime"] = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(),
    };

    private static string CpuName()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
