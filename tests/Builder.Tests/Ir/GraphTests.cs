using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Tests.Ir;

[TestClass]
public sealed class GraphTests
{
    private static readonly Dim Batch = Dim.Named("N");

    [TestMethod]
    public void Graph_ConvInfersPaddedAndUnpaddedShapes()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 1, 28, 28));
        Value w = g.AddParameter("w", TensorData.Float(new float[6 * 25], 6, 1, 5, 5));
        Assert.AreEqual(new TensorShape(Batch, 6, 28, 28), g.Conv(x, w, null, pads: [2, 2, 2, 2]).Shape);
        Assert.AreEqual(new TensorShape(Batch, 6, 24, 24), g.Conv(x, w, null).Shape);
        Assert.AreEqual(new TensorShape(Batch, 6, 12, 12), g.Conv(x, w, null, strides: [2, 2]).Shape);
    }

    [TestMethod]
    public void Graph_DepthToSpaceMovesChannelBlocksIntoSpace()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 64, 5, 5));
        Assert.AreEqual(new TensorShape(Batch, 16, 10, 10), g.DepthToSpace(x, 2).Shape);
        Assert.AreEqual("DCR", g.Nodes[^1].Attributes["mode"].String);
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => g.DepthToSpace(x, 3));
        StringAssert.Contains(e.Message, "blocks of 9");
    }

    [TestMethod]
    public void Graph_ConvWithWrongChannelCountFailsWhereBuilt()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 3, 28, 28));
        Value w = g.AddParameter("w", TensorData.Float(new float[6 * 25], 6, 1, 5, 5));
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => g.Conv(x, w, null));
        StringAssert.Contains(e.Message, "3 channels");
        Assert.IsEmpty(g.Nodes);
    }

    [TestMethod]
    public void Graph_PoolingFlattenAndGemmChainShapes()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 16, 10, 10));
        Value pooled = g.MaxPool(x, 2, 2);
        Assert.AreEqual(new TensorShape(Batch, 16, 5, 5), pooled.Shape);
        Value flat = g.Flatten(g.AveragePool(x, 2, 2), 1);
        Assert.AreEqual(new TensorShape(Batch, 400), flat.Shape);
        Value w = g.AddParameter("w", TensorData.Float(new float[120 * 400], 120, 400));
        Value b = g.AddParameter("b", TensorData.Float(new float[120], 120));
        Assert.AreEqual(new TensorShape(Batch, 120), g.Gemm(flat, w, b, transB: true).Shape);
        Assert.ThrowsExactly<GraphBuildException>(() => g.Gemm(flat, w, b));
    }

    [TestMethod]
    public void Graph_BroadcastFollowsNumpyRulesAndRejectsMismatches()
    {
        var g = new Graph("t");
        Value a = g.AddInput("a", ElementType.Float, new TensorShape(Batch, 6, 14, 14));
        Value coefficient = g.AddParameter("c", TensorData.Float(new float[6], 6, 1, 1));
        Assert.AreEqual(a.Shape, g.Mul(a, coefficient).Shape);
        Assert.AreEqual(a.Shape, g.Add(a, g.Scalar(1f)).Shape);
        Value wrong = g.AddParameter("wrong", TensorData.Float(new float[5], 5, 1, 1));
        Assert.ThrowsExactly<GraphBuildException>(() => g.Mul(a, wrong));
    }

    [TestMethod]
    public void Graph_ReshapeInfersMinusOneThroughTheSymbolicBatch()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 16, 5, 5));
        Assert.AreEqual(new TensorShape(Batch, 400), g.Reshape(x, [0, -1]).Shape);
        Assert.AreEqual(new TensorShape(Batch, 16, 25), g.Reshape(x, [-1, 16, 25]).Shape);
        Assert.ThrowsExactly<GraphBuildException>(() => g.Reshape(x, [-1, -1]));
    }

    [TestMethod]
    public void Graph_PadAndTransposeShapes()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 1, 28, 28));
        Assert.AreEqual(new TensorShape(Batch, 1, 32, 32), g.Pad2D(x, [2, 2, 2, 2]).Shape);
        Assert.AreEqual(new TensorShape(1, Batch, 28, 28), g.Transpose(x, [1, 0, 2, 3]).Shape);
        Assert.ThrowsExactly<GraphBuildException>(() => g.Transpose(x, [0, 0, 2, 3]));
    }

    [TestMethod]
    public void Graph_NamesAreUniqueGivenNamesKeptAndClashesRejected()
    {
        var g = new Graph("t");
        Value x = g.AddInput("x", ElementType.Float, new TensorShape(Batch, 4));
        Value a = g.Sigmoid(x);
        Value b = g.Sigmoid(x);
        Value c = g.Relu(x, name: "kept");
        Assert.AreNotEqual(a.Name, b.Name);
        Assert.AreEqual("kept", c.Name);
        Assert.ThrowsExactly<GraphBuildException>(() => g.Tanh(x, name: "kept"));
        Assert.AreSame(x, a.Producer!.Inputs[0]);
        Assert.HasCount(3, x.Users);
    }

    [TestMethod]
    public void Graph_RejectsValuesOfAnotherGraph()
    {
        var first = new Graph("first");
        var second = new Graph("second");
        Value x = first.AddInput("x", ElementType.Float, new TensorShape(Batch, 4));
        Assert.ThrowsExactly<GraphBuildException>(() => second.Sigmoid(x));
    }

    [TestMethod]
    public void Graph_ScalarConstantsAreStoredOncePerValue()
    {
        var g = new Graph("t");
        Assert.AreSame(g.Scalar(0.5f), g.Scalar(0.5f));
        Assert.AreNotSame(g.Scalar(0.5f), g.Scalar(0.25f));
        Assert.HasCount(2, g.Constants);
    }

    [TestMethod]
    [DataRow(12)]
    [DataRow(22)]
    public void Opset_OutsideTheSupportedRangeIsRejected(int opset) =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Graph("t", opset));

    [TestMethod]
    public void Opset_IrVersionFollowsTheOpset()
    {
        Assert.AreEqual(8, Opset.IrVersionFor(13));
        Assert.AreEqual(8, Opset.IrVersionFor(17));
        Assert.AreEqual(9, Opset.IrVersionFor(19));
        Assert.AreEqual(10, Opset.IrVersionFor(21));
    }
}
