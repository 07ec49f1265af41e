using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Serialization;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Builder.Tests.LeNet;

[TestClass]
public sealed class PoolingPhasesTests
{
    [TestMethod]
    [DataRow(Activation.Sigmoid)]
    [DataRow(Activation.Tanh)]
    [DataRow(Activation.Relu)]
    [DataRow(Activation.ScaledTanh)]
    public void PoolingPhases_ComputeTheLogitsOfThePlainForward(Activation activation)
    {
        LeNetOptions variant = LeNetVariants.Get("classic") with { Activation = activation };
        float[] images = OrtRunner.RandomImages(7, seed: 11);
        float[] plain = OrtRunner.Run(InferenceBytes(variant, poolingPhases: false), images, 7).Logits;
        float[] phases = OrtRunner.Run(InferenceBytes(variant, poolingPhases: true), images, 7).Logits;
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.AreEqual(plain[i], phases[i], 1e-5f, $"logit {i}");
        }
    }

    [TestMethod]
    public void PoolingPhases_ReplaceEveryAveragePoolOfTheClassicNet()
    {
        Graph g = LeNet5.BuildForward(LeNetVariants.Get("classic"), 1, Opset.Default, "phases", poolingPhases: true).Graph;
        Assert.IsFalse(g.Nodes.Any(n => n.OpType == "AveragePool"), "no AveragePool is left");
        Assert.AreEqual(2, g.Nodes.Count(n => n.OpType == "Conv" && n.Attributes["strides"].Ints.SequenceEqual([2L, 2L])));
    }

    [TestMethod]
    public void PoolingPhases_TrainingGraphHasNoUpsampling()
    {
        Graph g = TrainingModels.Training(LeNetVariants.Get("classic"), 1, Opset.Default);
        Assert.IsFalse(g.Nodes.Any(n => n.OpType is "Resize" or "Expand"), "the pooling gradient stays a broadcast");
    }

    private static byte[] InferenceBytes(LeNetOptions variant, bool poolingPhases)
    {
        LeNetForward forward = LeNet5.BuildForward(variant, 3, Opset.Default, "forward", poolingPhases: poolingPhases);
        forward.Graph.AddOutput(forward.Logits);
        forward.Graph.AddOutput(forward.Graph.Softmax(forward.Logits, axis: 1, name: LeNetContract.ProbabilitiesOutput));
        return OnnxModelWriter.ToBytes(forward.Graph, new ModelDescription());
    }
}
