using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Builder.Tests.Training;

[TestClass]
public sealed class TrainingModelSmokeTests
{
    [TestMethod]
    [DataRow("classic")]
    [DataRow("relu-max")]
    [DataRow("tanh-max")]
    [DataRow("sigmoid-max")]
    [DataRow("original")]
    public void TrainingModel_RunsInOnnxRuntime(string variant)
    {
        Graph graph = TrainingModels.Training(LeNetVariants.Get(variant), 1, 17);
        byte[] bytes = OnnxModelWriter.ToBytes(graph, new ModelDescription { Parameters = ParameterPlacement.Inputs });
        using var session = new InferenceSession(bytes);
        const int batch = 4;
        var inputs = new Dictionary<string, OrtValue>
        {
            ["image"] = OrtValue.CreateTensorValueFromMemory(LeNetOnnx.Tests.OrtRunner.RandomImages(batch, 3), [batch, 1, 28, 28]),
            ["labels"] = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 2, 3, 4 }, [batch]),
        };
        foreach (Value p in graph.Parameters)
        {
            inputs[p.Name] = OrtValue.CreateTensorValueFromMemory(p.Data!.Floats!, p.Data.Dims.ToArray());
        }

        string[] outputs = graph.Outputs.Select(o => o.Name).ToArray();
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), outputs);
        float loss = results[0].GetTensorDataAsSpan<float>()[0];
        Console.WriteLine($"{variant}: loss {loss}, outputs {string.Join(",", outputs.Take(5))}");
        Assert.IsTrue(float.IsFinite(loss) && loss > 0);
        foreach (OrtValue v in inputs.Values)
        {
            v.Dispose();
        }
    }
}
