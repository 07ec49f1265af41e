using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Parity.Tests;

/// <summary>
/// Every committed model (<c>models/*.onnx</c>) and an untrained model of every variant, run on
/// the 10,000 Fashion-MNIST test images (pixel/255) in four runtimes: ONNX Runtime C# through
/// the Runtime library's <see cref="LeNetClassifier"/>, onnxruntime-node
/// (<c>tools/node/run_model.mjs</c>), the PyTorch reference (<c>tools/torch_reference.py
/// forward</c>) and ONNX Runtime Web in headless Chromium (<see cref="Browser.BrowserRuntime"/>,
/// compared with C#). Every pair must agree on the logits (within 1e-5: see
/// <see cref="Tolerance"/>), on the argmax of every image and so on the accuracy. The
/// images are written once, node, Python and Chromium each run once for all models (in parallel
/// with the C# runs), and the comparison is written to <c>TestResults/parity-report.md</c> before anything
/// is asserted.
/// </summary>
[TestClass]
public sealed class CrossRuntimeParityTests
{
    /// <summary>Logits agree when |a − b| ≤ Tolerance, for every logit of every image.</summary>
    /// <remarks>
    /// A flat bound: float32 resolution grows with the logit, so it holds because the committed
    /// models keep their logits moderate (lenet-best is trained with label smoothing; before
    /// that its logits reached |37| and ONNX Runtime and PyTorch stood 1.5e-5 apart).
    /// </remarks>
    public const double Tolerance = 1e-5;

    private const int UntrainedSeed = 3;

    // Images per run in every runtime: one batch of 10,000 costs about twice the time, in
    // allocations of hundreds of MB per layer; the same batches keep C# and node comparable.
    private const int Chunk = 1000;
    private const int Pixels = 28 * 28;

    // One run for every test of the class; an inconclusive or failed run is cached and rethrown
    // by each test, so a missing runtime or data set is reported once per test, not re-run.
    private static readonly Lazy<ParityRun> Run = new(ParityRun.Execute, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IEnumerable<object[]> Models => ParityModel.All().Select(m => new object[] { m.Name });

    public static string ReportPath => RepositoryRoot.Combine("TestResults", "parity-report.md");

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Model_GivesTheSameLogitsArgMaxAndAccuracyInEveryRuntime(string model)
    {
        ParityRun run = Run.Value;
        PairComparison[] pairs = run.Comparisons.Where(c => c.Model == model).ToArray();
        Assert.HasCount(4, pairs, $"{model}: expected the pairs C# – node, C# – torch, node – torch, C# – web in the run.");
        foreach (PairComparison c in pairs)
        {
            Console.WriteLine($"{c.Pair}: max abs {ParityReport.Number(c.MaxAbs)}, max rel {ParityReport.Number(c.MaxRel)}, {c.ToleranceUsed:F2} of the tolerance, argmax mismatches {c.ArgMaxMismatches}, accuracy {c.First.Accuracy} / {c.Second.Accuracy}");
        }

        string[] problems = pairs.SelectMany(c => c.Problems()).ToArray();
        if (problems.Length > 0)
        {
            Assert.Fail(string.Join(Environment.NewLine, problems) + Environment.NewLine + $"Full table: {ReportPath}");
        }
    }

    [TestMethod]
    public void ParityReport_IsWrittenWithEveryModelAndPair()
    {
        ParityRun run = Run.Value;
        string report = File.ReadAllText(ReportPath);
        Console.WriteLine(report);
        Assert.AreEqual(run.Report, report);
        Assert.HasCount(run.Models.Count * 4, run.Comparisons);
        foreach (ParityModel model in run.Models)
        {
            foreach (string pair in new[] { "C# – node", "C# – torch", "node – torch", "C# – web" })
            {
                StringAssert.Contains(report, $"| {model.Name} | {pair} |");
            }
        }
    }

    /// <summary>A model of the suite: a committed file, or an untrained variant built on the fly.</summary>
    private sealed record ParityModel(string Name, string? CommittedPath, LeNetOptions? Variant)
    {
        public static IReadOnlyList<ParityModel> All()
        {
            string folder = RepositoryRoot.Combine("models");
            IEnumerable<ParityModel> committed = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal).Select(p => new ParityModel($"models/{Path.GetFileName(p)}", p, null))
                : [];
            IEnumerable<ParityModel> untrained = LeNetVariants.All.Select(v => new ParityModel($"untrained {v.Variant} (seed {UntrainedSeed})", null, v));
            return [.. committed, .. untrained];
        }

        /// <summary>Where the model is read from: the committed file, or the built one written into <paramref name="dir"/>.</summary>
        public string Materialize(TemporaryDirectory dir, string key)
        {
            if (CommittedPath is not null)
            {
                return CommittedPath;
            }

            string path = dir.File($"{key}.onnx");
            File.WriteAllBytes(path, LeNet5.Build(Variant!.Value, seed: UntrainedSeed).ToOnnxBytes());
            return path;
        }
    }

    private sealed record ParityRun(IReadOnlyList<ParityModel> Models, IReadOnlyList<PairComparison> Comparisons, string Report)
    {
        public static ParityRun Execute()
        {
            var total = Stopwatch.StartNew();
            ImageDataSet test = LoadTestSet();
            int count = test.Count;
            byte[] labels = test.Labels.ToArray();
            IReadOnlyList<ParityModel> models = ParityModel.All();

            using var dir = new TemporaryDirectory();
            int chunks = (count + Chunk - 1) / Chunk;
            for (int k = 0; k < chunks; k++)
            {
                ReadOnlySpan<byte> chunk = test.Images.Span[(k * Chunk * Pixels)..(Math.Min(count, (k + 1) * Chunk) * Pixels)];
                float[] images = new float[chunk.Length];
                for (int i = 0; i < images.Length; i++)
                {
                    images[i] = chunk[i] / 255f;  // as LeNetClassifier turns bytes into floats
                }

                File.WriteAllBytes(dir.File($"images{k}.bin"), MemoryMarshal.AsBytes(images.AsSpan()).ToArray());
            }

            string[] paths = models.Select((m, i) => m.Materialize(dir, $"model{i}")).ToArray();
            var nodeJobs = new List<object>();
            var torchJobs = new List<object>();
            for (int i = 0; i < models.Count; i++)
            {
                for (int k = 0; k < chunks; k++)
                {
                    int batch = ChunkLength(count, k);
                    var image = new { file = $"images{k}.bin", type = "float32", shape = new[] { batch, 1, 28, 28 } };
                    nodeJobs.Add(new { model = paths[i], inputs = new { image }, outputs = new { logits = $"model{i}.{k}.node.bin" } });
                    torchJobs.Add(new { model = paths[i], input = $"images{k}.bin", batch, output = $"model{i}.{k}.torch.bin" });
                }
            }

            File.WriteAllText(dir.File("node.json"), JsonSerializer.Serialize(new { jobs = nodeJobs }));
            File.WriteAllText(dir.File("torch.json"), JsonSerializer.Serialize(new { jobs = torchJobs }));

            // node and Python run while C# does; both are waited for before the temporary
            // directory goes, whatever fails.
            var nodeTime = new Stopwatch();
            var torchTime = new Stopwatch();
            var webTime = new Stopwatch();
            float[] allImages = new float[count * Pixels];
            for (int i = 0; i < allImages.Length; i++)
            {
                allImages[i] = test.Images.Span[i] / 255f;
            }

            Task<float[][]> web = Task.Run(() => Timed(webTime, () => Browser.BrowserRuntime.Run(paths, allImages, Chunk)));
            Task<(int ExitCode, string Output, string Error)> node = Task.Run(() => Timed(nodeTime, () => NodeRuntime.Run(dir.File("node.json"))));
            Task<(int ExitCode, string Output, string Error)> torch = Task.Run(() => Timed(torchTime, () => PythonReference.Run("torch_reference.py", "forward", dir.File("torch.json"))));
            var csharp = new float[models.Count][];
            var csharpTime = Stopwatch.StartNew();
            try
            {
                float[] probabilities = new float[Chunk * RuntimeLogits.Classes];
                for (int i = 0; i < models.Count; i++)
                {
                    using LeNetClassifier classifier = LeNetClassifier.Load(paths[i]);
                    csharp[i] = new float[count * RuntimeLogits.Classes];
                    for (int k = 0; k < chunks; k++)
                    {
                        int first = k * Chunk;
                        int batch = ChunkLength(count, k);
                        classifier.Classify(
                            test.Images.Span.Slice(first * Pixels, batch * Pixels),
                            csharp[i].AsSpan(first * RuntimeLogits.Classes, batch * RuntimeLogits.Classes),
                            probabilities.AsSpan(0, batch * RuntimeLogits.Classes));
                    }
                }

                csharpTime.Stop();
            }
            finally
            {
                try
                {
                    Task.WaitAll(node, torch, web);
                }
                catch (AggregateException)
                {
                    // Rethrown below, unwrapped, from the task that failed.
                }
            }

            (int nodeExit, string nodeOutput, string nodeError) = node.GetAwaiter().GetResult();
            Assert.AreEqual(0, nodeExit, $"run_model.mjs failed:{Environment.NewLine}{nodeOutput}{nodeError}");
            (int torchExit, string torchOutput, string torchError) = torch.GetAwaiter().GetResult();
            Assert.AreEqual(0, torchExit, $"torch_reference.py forward failed:{Environment.NewLine}{torchOutput}{torchError}");
            float[][] browser = web.GetAwaiter().GetResult();

            var comparisons = new List<PairComparison>();
            for (int i = 0; i < models.Count; i++)
            {
                RuntimeLogits cs = RuntimeLogits.Score("C#", csharp[i], labels);
                RuntimeLogits js = RuntimeLogits.Score("node", ReadChunks(dir, chunks, $"model{i}.{{0}}.node.bin"), labels);
                RuntimeLogits py = RuntimeLogits.Score("torch", ReadChunks(dir, chunks, $"model{i}.{{0}}.torch.bin"), labels);
                comparisons.Add(PairComparison.Of(models[i].Name, cs, js, Tolerance));
                comparisons.Add(PairComparison.Of(models[i].Name, cs, py, Tolerance));
                comparisons.Add(PairComparison.Of(models[i].Name, js, py, Tolerance));
                comparisons.Add(PairComparison.Of(models[i].Name, cs, RuntimeLogits.Score("web", browser[i], labels), Tolerance));
            }

            total.Stop();
            string report = Render(test, comparisons, csharpTime.Elapsed, nodeTime.Elapsed, torchTime.Elapsed, webTime.Elapsed, total.Elapsed);
            Directory.CreateDirectory(Path.GetDirectoryName(ReportPath)!);
            File.WriteAllText(ReportPath, report);
            return new ParityRun(models, comparisons, report);
        }

        private static T Timed<T>(Stopwatch stopwatch, Func<T> run)
        {
            stopwatch.Start();
            try
            {
                return run();
            }
            finally
            {
                stopwatch.Stop();
            }
        }

        private static int ChunkLength(int count, int chunk) => Math.Min(Chunk, count - (chunk * Chunk));

        /// <summary>The raw float32 files of every chunk, in order, as one array.</summary>
        private static float[] ReadChunks(TemporaryDirectory dir, int chunks, string nameFormat) =>
            Enumerable.Range(0, chunks)
                .SelectMany(k => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(dir.File(string.Format(CultureInfo.InvariantCulture, nameFormat, k)))).ToArray())
                .ToArray();

        /// <summary>The real test set; inconclusive locally, a failure under CI, when it is not installed.</summary>
        private static ImageDataSet LoadTestSet()
        {
            string directory = FashionMnist.DebianDirectory;
            DataSetDescription description = FashionMnist.Description;
            string[] missing = description.Files.Where(f => DataSetLocator.ResolveFile(directory, f) is null).Select(f => f.FileName).ToArray();
            if (missing.Length > 0)
            {
                string message = $"Fashion-MNIST is not installed in {directory} (missing {string.Join(", ", missing)}). Install it with 'apt-get install dataset-fashion-mnist' (tools/install-prerequisites.sh).";
                Prerequisite.Missing(message);
            }

            return DataSetSplits.Load(description, directory).Test;
        }

        private static string Render(ImageDataSet test, List<PairComparison> comparisons, TimeSpan csharp, TimeSpan node, TimeSpan torch, TimeSpan web, TimeSpan total)
        {
            var c = CultureInfo.InvariantCulture;
            string ortVersion = typeof(InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";
            string nodeVersion = NodePackageVersion();
            string[] preamble =
            [
                string.Create(c, $"The {test.Count:N0} {test.Name} images (pixel/255), test-set SHA-256 `{test.ImagesSource?.ContentSha256}`, through every committed model and an untrained model of every variant (`LeNet5.Build(variant, seed: {UntrainedSeed})`), in four runtimes: **C#** = ONNX Runtime {ortVersion} through `LeNetClassifier` (1 thread, all graph optimizations); **node** = onnxruntime-node {nodeVersion} through `tools/node/run_model.mjs` (1 thread, all optimizations); **torch** = the independent PyTorch reference `tools/torch_reference.py forward` (float32, 2 threads); **web** = ONNX Runtime Web {Browser.BrowserRuntime.Version} (WebAssembly, 1 thread) in headless Chromium, compared with C#."),
                string.Create(c, $"A pair passes when every logit agrees within |a − b| ≤ {Tolerance:0e0} (\"of tolerance\": the largest |a − b| as a fraction of that bound, at most 1), the argmax agrees for every image and the accuracies are equal. Max abs and max rel (|a − b| / max(|a|, |b|), large where a logit is near 0) are over all {test.Count * RuntimeLogits.Classes:N0} logits of the model."),
            ];
            string[] footer =
            [
                string.Create(c, $"Wall time: C# {csharp.TotalSeconds:F1} s, node {node.TotalSeconds:F1} s, torch {torch.TotalSeconds:F1} s, web {web.TotalSeconds:F1} s (the four run at the same time); {total.TotalSeconds:F1} s in all, including loading the data."),
            ];
            return ParityReport.Render("Cross-runtime parity", preamble, comparisons, footer);
        }

        private static string NodePackageVersion()
        {
            try
            {
                string path = RepositoryRoot.Combine("tools", "node", "node_modules", "onnxruntime-node", "package.json");
                using JsonDocument package = JsonDocument.Parse(File.ReadAllText(path));
                return package.RootElement.GetProperty("version").GetString() ?? "?";
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
            {
                return "?";
            }
        }
    }
}
