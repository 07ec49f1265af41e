using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Parity.Tests;

/// <summary>The artifact models are standard ONNX: the checker accepts them and a second runtime runs them alike.</summary>
[TestClass]
public sealed class ArtifactConformanceTests
{
    private static readonly OptimizerOptions[] Optimizers =
    [
        new() { Kind = OptimizerKind.Sgd, LearningRate = 0.9 },
        new() { Kind = OptimizerKind.Sgd, LearningRate = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4 },
        new() { Kind = OptimizerKind.Adam, LearningRate = 1e-3, WeightDecay = 1e-4 },
        new() { Kind = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 1e-2 },
    ];

    [TestMethod]
    public void Artifacts_PassTheOnnxCheckerForEveryVariantOptimizerAndOpset()
    {
        using var dir = new TemporaryDirectory();
        var files = new List<string>();
        foreach (string variant in LeNetVariants.Names)
        {
            for (int o = 0; o < Optimizers.Length; o++)
            {
                foreach (int opset in new[] { 13, 17 })
                {
                    TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(variant), Optimizers[o], opset: opset);
                    foreach ((string name, byte[] bytes) in artifacts.Files.Where(f => f.Key.EndsWith(".onnx", StringComparison.Ordinal)))
                    {
                        string file = dir.File($"{variant}-{o}-{opset}-{name}");
                        File.WriteAllBytes(file, bytes);
                        files.Add(file);
                    }
                }
            }
        }

        (int exitCode, string output, string error) = PythonReference.Run("check_onnx.py", [.. files]);
        Assert.AreEqual(0, exitCode, output + error);
        Assert.AreEqual(files.Count, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Artifacts_UseOnlyDefaultDomainOperators()
    {
        foreach (string variant in LeNetVariants.Names)
        {
            foreach (OptimizerOptions optimizer in Optimizers)
            {
                foreach ((string name, byte[] bytes) in TrainingArtifacts.Create(LeNetVariants.Get(variant), optimizer).Files.Where(f => f.Key.EndsWith(".onnx", StringComparison.Ordinal)))
                {
                    ModelProto model = ModelProto.Parser.ParseFrom(bytes);
                    CollectionAssert.AreEqual(new[] { "" }, model.OpsetImport.Select(o => o.Domain).ToArray(), name);
                    string[] foreign = model.Graph.Node.Where(n => n.Domain.Length > 0).Select(n => $"{n.Domain}:{n.OpType}").ToArray();
                    Assert.IsEmpty(foreign, $"{variant} {name}: {string.Join(", ", foreign)}");
                }
            }
        }
    }

    [TestMethod]
    [DataRow("classic")]
    [DataRow("relu-max")]
    [DataRow("tanh-max")]
    [DataRow("sigmoid-max")]
    [DataRow("original")]
    [DataRow("modern")]
    public void TrainingModel_GivesTheSameLossAndGradientsInOnnxRuntimeNode(string variant)
    {
        const int batch = 12;
        using var dir = new TemporaryDirectory();
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Get(variant), Optimizers[2], seed: 4);
        float[] images = OrtRunner.RandomImages(batch, seed: 31);
        long[] labels = Enumerable.Range(0, batch).Select(i => (long)(i * 7 % 10)).ToArray();
        File.WriteAllBytes(dir.File("training.onnx"), artifacts.TrainingModel);
        RawArrays.Write(dir.File("image.bin"), images);
        RawArrays.Write(dir.File("labels.bin"), labels);
        var inputs = new Dictionary<string, object>
        {
            ["image"] = new { file = "image.bin", type = "float32", shape = new[] { batch, 1, 28, 28 } },
            ["labels"] = new { file = "labels.bin", type = "int64", shape = new[] { batch } },
        };
        var outputs = new Dictionary<string, string> { ["loss"] = "loss.out", ["correct"] = "correct.out" };
        foreach (CheckpointTensor p in artifacts.Checkpoint.Tensors.Where(t => t.Kind == CheckpointTensorKind.Parameter))
        {
            RawArrays.Write(dir.File(p.Name + ".bin"), p.Data);
            inputs[p.Name] = new { file = p.Name + ".bin", type = "float32", shape = p.Shape };
            outputs[p.Name + "_grad"] = p.Name + ".grad.out";
        }

        string manifest = dir.File("manifest.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new { jobs = new[] { new { model = "training.onnx", inputs, outputs } } }));
        (int exitCode, string output, string error) = NodeRuntime.Run(manifest);
        Assert.AreEqual(0, exitCode, output + error);

        using var stepper = new ArtifactStepper(artifacts);
        (float loss, long correct, Dictionary<string, float[]> gradients) = stepper.Gradients(images, labels);
        Assert.AreEqual(loss, RawArrays.Read<float>(dir.File("loss.out"))[0], 1e-6f);
        Assert.AreEqual(correct, RawArrays.Read<long>(dir.File("correct.out"))[0]);
        foreach ((string name, float[] ours) in gradients)
        {
            float[] node = RawArrays.Read<float>(dir.File(name + ".grad.out"));
            float scale = Math.Max(ours.Max(MathF.Abs), 1e-12f);
            float worst = ours.Zip(node).Max(p => MathF.Abs(p.First - p.Second)) / scale;
            Assert.IsLessThanOrEqualTo(1e-5f, worst, $"{name}_grad: C# and node differ by {worst:E2} of the tensor's scale");
        }
    }

    [TestMethod]
    public void EvalAndOptimizerModels_RunInOnnxRuntimeNode()
    {
        const int batch = 5;
        using var dir = new TemporaryDirectory();
        TrainingArtifacts artifacts = TrainingArtifacts.Create(LeNetVariants.Original, Optimizers[3], seed: 4);
        File.WriteAllBytes(dir.File("eval.onnx"), artifacts.EvalModel);
        File.WriteAllBytes(dir.File("optimizer.onnx"), artifacts.OptimizerModel);
        RawArrays.Write(dir.File("image.bin"), OrtRunner.RandomImages(batch, seed: 2));
        RawArrays.Write(dir.File("labels.bin"), new long[] { 0, 1, 2, 3, 4 });
        RawArrays.Write(dir.File("lr.bin"), new[] { 1e-3f });
        RawArrays.Write(dir.File("step.bin"), new[] { 1L });
        var evalInputs = new Dictionary<string, object>
        {
            ["image"] = new { file = "image.bin", type = "float32", shape = new[] { batch, 1, 28, 28 } },
            ["labels"] = new { file = "labels.bin", type = "int64", shape = new[] { batch } },
        };
        var optimizerInputs = new Dictionary<string, object>
        {
            [TrainingModels.LearningRateInput] = new { file = "lr.bin", type = "float32", shape = Array.Empty<int>() },
            [TrainingModels.StepInput] = new { file = "step.bin", type = "int64", shape = Array.Empty<int>() },
        };
        var optimizerOutputs = new Dictionary<string, string>();
        foreach (CheckpointTensor t in artifacts.Checkpoint.Tensors)
        {
            RawArrays.Write(dir.File(t.Name + ".bin"), t.Data);
            var input = new { file = t.Name + ".bin", type = "float32", shape = t.Shape };
            optimizerInputs[t.Name] = input;
            optimizerOutputs[OptimizerGraph.NextName(t.Name)] = t.Name + ".next.out";
            if (t.Kind == CheckpointTensorKind.Parameter)
            {
                evalInputs[t.Name] = input;
                RawArrays.Write(dir.File(t.Name + ".grad.bin"), Enumerable.Repeat(0.5f, t.Data.Length).ToArray());
                optimizerInputs[t.Name + "_grad"] = new { file = t.Name + ".grad.bin", type = "float32", shape = t.Shape };
            }
        }

        string manifest = dir.File("manifest.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new
        {
            jobs = new object[]
            {
                new { model = "eval.onnx", inputs = evalInputs, outputs = new Dictionary<string, string> { ["loss"] = "eval.loss.out", ["logits"] = "eval.logits.out", ["correct"] = "eval.correct.out" } },
                new { model = "optimizer.onnx", inputs = optimizerInputs, outputs = optimizerOutputs },
            },
        }));
        (int exitCode, string output, string error) = NodeRuntime.Run(manifest);
        Assert.AreEqual(0, exitCode, output + error);
        Assert.HasCount(batch * 10, RawArrays.Read<float>(dir.File("eval.logits.out")));

        // AdamW's first step: decay by (1 - lr·wd), then m̂/√v̂ = g/|g| = 1, so every weight moves by -lr.
        float[] c5 = RawArrays.Read<float>(dir.File("c5.weight.next.out"));
        float[] c5Before = artifacts.Checkpoint["c5.weight"].Data;
        for (int i = 0; i < c5.Length; i++)
        {
            Assert.AreEqual((c5Before[i] * (1 - (1e-3f * 1e-2f))) - 1e-3f, c5[i], 1e-6f);
        }
    }
}
