using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Tests;

/// <summary>Asserts that two checkpoints hold the same contents, field by field and value by value.</summary>
internal static class CheckpointAssert
{
    public static void SameContents(Checkpoint expected, Checkpoint actual)
    {
        Assert.AreEqual(expected.Variant, actual.Variant);
        Assert.AreEqual(expected.Opset, actual.Opset);
        Assert.AreEqual(expected.Seed, actual.Seed);
        Assert.AreEqual(expected.Step, actual.Step);
        Assert.AreEqual(expected.Epoch, actual.Epoch);
        Assert.AreEqual(expected.Optimizer, actual.Optimizer);
        CollectionAssert.AreEquivalent(expected.Properties.ToArray(), actual.Properties.ToArray());
        Assert.HasCount(expected.Tensors.Count, actual.Tensors);
        for (int i = 0; i < expected.Tensors.Count; i++)
        {
            Assert.AreEqual(expected.Tensors[i].Name, actual.Tensors[i].Name);
            Assert.AreEqual(expected.Tensors[i].Kind, actual.Tensors[i].Kind);
            CollectionAssert.AreEqual(expected.Tensors[i].Shape.ToArray(), actual.Tensors[i].Shape.ToArray());
            CollectionAssert.AreEqual(expected.Tensors[i].Data.ToArray(), actual.Tensors[i].Data.ToArray(), expected.Tensors[i].Name);
        }
    }
}
