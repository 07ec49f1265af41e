using System.Reflection;
using LeNetOnnx.Builder.Autodiff;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Builder.Tests.Autodiff;

/// <summary>
/// Each gradient rule of <see cref="GradientRegistry.Default"/> on its own: parameters feed one
/// op, the loss is <c>ReduceSum(output · R)</c> with a fixed random R (the op's own loss for
/// SoftmaxCrossEntropyLoss), and ONNX Runtime computes both the analytical gradient and the
/// central differences of the loss. Each check is tagged with the op it covers.
/// </summary>
[TestClass]
public sealed class GradientRuleFiniteDifferenceTests
{
    private const int Seed = 20261123;

    /// <summary>
    /// h for ops linear in the perturbed element: the loss is then affine in h, so the central
    /// difference is exact up to float32 rounding and a large h keeps that rounding small.
    /// </summary>
    private const float LinearStep = 1e-2f;

    /// <summary>
    /// h for smooth curved ops: the truncation error h²/6 times the third derivative stays near
    /// 1e-6 while the rounding error ε·Σ|terms of L|/2h stays below 1e-4.
    /// </summary>
    private const float CurvedStep = 3e-3f;

    /// <summary>
    /// The loss is float32 (ORT's CPU Conv is float-only and the rules emit float constants), a
    /// sum of up to 150 terms of size O(1). Each run rounds it by about ε·Σ|terms| ≈ 1e-6, which a
    /// central difference magnifies by 1/2h (50 to 170): the absolute part bounds that. The
    /// relative part covers the analytical gradient's own float32 rounding, ORT's approximate
    /// Sigmoid/Tanh/Exp kernels and the curved ops' truncation h²/6 times the third derivative
    /// (each about 1e-6 relative) with a wide margin, yet fails a rule that is off by about 1%,
    /// which a relative tolerance of 2e-2 lets through. Measured worst |fd − analytic|: 1.3e-4 (Conv, the
    /// largest loss), 4e-5 for the curved ops, at most 2e-5 elsewhere; no element uses more than
    /// 17% of what it is allowed.
    /// </summary>
    private static readonly Tolerance Tolerance = new(Absolute: 5e-4, Relative: 1e-3);

    [TestMethod]
    [TestCategory("Conv")]
    [DataRow(0L, 0L, 0L, 0L, true)]
    [DataRow(1L, 1L, 1L, 1L, true)]
    [DataRow(2L, 0L, 1L, 2L, true)]
    [DataRow(1L, 1L, 1L, 1L, false)]
    public void ConvGradient_MatchesCentralDifferences(long top, long left, long bottom, long right, bool withBias)
    {
        var random = new Random(Seed);
        var g = new Graph("conv");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 2, 5, 5));
        Value w = g.AddParameter("w", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3, 2, 3, 3));
        Value? b = withBias ? g.AddParameter("b", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3)) : null;
        Value y = g.Conv(x, w, b, pads: [top, left, bottom, right]);
        (Value loss, _) = GradientCheck.WeightedSum(g, y, random);
        GradientCheck.Check(g, loss, "Conv", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Conv")]
    [DataRow(2L, 1L, 0L, 7L)]
    [DataRow(1L, 2L, 0L, 7L)]
    [DataRow(2L, 2L, 1L, 7L)]
    [DataRow(3L, 1L, 1L, 7L)]
    public void ConvGradient_StridedOrDilatedMatchesCentralDifferences(long stride, long dilation, long pad, long size)
    {
        var random = new Random(Seed);
        var g = new Graph("conv_strided");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 2, size, size));
        Value w = g.AddParameter("w", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3, 2, 3, 3));
        Value b = g.AddParameter("b", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3));
        Value y = g.Conv(x, w, b, pads: [pad, pad, pad, pad], strides: [stride, stride], dilations: [dilation, dilation]);
        (Value loss, _) = GradientCheck.WeightedSum(g, y, random);
        GradientCheck.Check(g, loss, "Conv", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Conv")]
    [DataRow(0L, 2)]
    [DataRow(1L, 2)]
    [DataRow(0L, 3)]
    public void ConvGradient_PoolingPhaseKernelMatchesCentralDifferences(long pad, int window)
    {
        // The input gradient of a pooling-phase Conv is the stride-1 ConvTranspose of the phases put
        // back in place (DepthToSpace) with the plain kernel; the kernel's gradient goes through the
        // phase weights' Concat and Pads as before.
        var random = new Random(Seed);
        var g = new Graph("phase_conv");
        long size = (2 * window) + 2 - (2 * pad);
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 2, size, size));
        Value w = g.AddParameter("w", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3, 2, 3, 3));
        Value b = g.AddParameter("b", GradientCheck.UniformTensor(random, -0.5f, 0.5f, 3));
        Value phases = PoolingPhases.Convolution(g, x, w, b, pad, window, "c");
        (Value loss, _) = GradientCheck.WeightedSum(g, phases, random);
        GradientCheck.Check(g, loss, "Conv", LinearStep, Tolerance);

        // Checked on the graph the backward pass was added to.
        Node transposed = g.Nodes.Single(n => n.OpType == "ConvTranspose");
        Assert.AreSame(w, transposed.Inputs[1], "the input gradient uses the plain kernel");
        Assert.AreEqual("DepthToSpace", transposed.Inputs[0]!.Producer!.OpType, "of the phases put back in place");
        Assert.IsTrue(transposed.Attributes["strides"].Ints.SequenceEqual([1L, 1L]));
    }

    [TestMethod]
    public void ConvGradient_StrideThatSkipsTheLastRowIsRefusedByName()
    {
        var g = new Graph("conv_skipping");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(new Random(Seed), -1f, 1f, 1, 1, 6, 6));
        Value w = g.AddParameter("w", GradientCheck.UniformTensor(new Random(Seed), -1f, 1f, 1, 1, 3, 3));
        Value loss = g.ReduceSum(g.Conv(x, w, null, strides: [2, 2]), [], keepDims: false);
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => ReverseModeDifferentiator.Differentiate(g, loss, g.Parameters));
        StringAssert.Contains(e.Message, "divisible by the stride");
    }

    [TestMethod]
    [TestCategory("Concat")]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(-1)]
    public void ConcatGradient_MatchesCentralDifferences(int axis)
    {
        var random = new Random(Seed);
        var g = new Graph("concat");
        long[] small = [2, 2, 3];
        long[] large = [2, 2, 3];
        large[axis < 0 ? large.Length + axis : axis] = 4;
        Value a = g.AddParameter("a", GradientCheck.UniformTensor(random, -1f, 1f, small));
        Value b = g.AddParameter("b", GradientCheck.UniformTensor(random, -1f, 1f, large));

        // a twice: both of its slices must add up in its gradient.
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Concat([a, b, a], axis), random);
        GradientCheck.Check(g, loss, "Concat", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Gemm")]
    [DataRow(false, new long[] { 5 })]
    [DataRow(true, new long[] { 5 })]
    [DataRow(false, new long[] { 3, 1 })]
    [DataRow(true, new long[] { 3, 5 })]
    public void GemmGradient_MatchesCentralDifferences(bool transB, long[] biasShape)
    {
        var random = new Random(Seed);
        var g = new Graph("gemm");
        Value a = g.AddParameter("a", GradientCheck.UniformTensor(random, -1f, 1f, 3, 4));
        Value b = g.AddParameter("b", GradientCheck.UniformTensor(random, -1f, 1f, transB ? [5, 4] : [4, 5]));
        Value c = g.AddParameter("c", GradientCheck.UniformTensor(random, -1f, 1f, biasShape));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Gemm(a, b, c, transB: transB), random);
        GradientCheck.Check(g, loss, "Gemm", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("MatMul")]
    public void MatMulGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("matmul");
        Value a = g.AddParameter("a", GradientCheck.UniformTensor(random, -1f, 1f, 3, 4));
        Value b = g.AddParameter("b", GradientCheck.UniformTensor(random, -1f, 1f, 4, 2));

        // The IR has no MatMul helper (models use Gemm); the rule exists for hand-built graphs.
        Value y = g.AddNode("MatMul", [a, b], [(null, ElementType.Float, new TensorShape(3, 2))])[0];
        (Value loss, _) = GradientCheck.WeightedSum(g, y, random);
        GradientCheck.Check(g, loss, "MatMul", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("AveragePool")]
    public void AveragePoolGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("average_pool");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 2, 4, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.AveragePool(x, 2, 2), random);
        GradientCheck.Check(g, loss, "AveragePool", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("MaxPool")]
    [DataRow(false, 4)]
    [DataRow(true, 4)]
    [DataRow(false, 5)]
    [DataRow(true, 5)]
    public void MaxPoolGradient_MatchesCentralDifferences(bool withIndices, int size)
    {
        var random = new Random(Seed);
        var g = new Graph("max_pool");

        // Elements 0.05 apart: a perturbation of h = 0.01 never changes which one is the maximum.
        // Size 5 leaves the last row and column outside every window, so their gradient is 0.
        Value x = g.AddParameter("x", GradientCheck.SpacedTensor(random, 0.05f, 2, 2, size, size));
        Value y = withIndices ? g.MaxPoolWithIndices(x, 2, 2).Output : g.MaxPool(x, 2, 2);
        (Value loss, _) = GradientCheck.WeightedSum(g, y, random);
        GradientCheck.Check(g, loss, "MaxPool", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("MaxPool")]
    [DataRow(false)]
    [DataRow(true)]
    public void MaxPoolGradient_TiesGoToTheFirstMaximumOnly(bool withIndices)
    {
        // Windows with two, three and four equal maxima, at different positions; image 1 is
        // image 0 mirrored so the first maximum moves. PyTorch sends a window's gradient to its
        // first maximum in row-major order; an Equal mask would send it to every tied element.
        float[] image =
        [
            1, 1, 0, 2,
            0, 0, 2, 0,
            3, 3, -1, 0.5f,
            3, 3, 0.5f, 0.5f,
        ];
        float[] values = [.. image, .. Enumerable.Range(0, 16).Select(i => image[((i / 4) * 4) + 3 - (i % 4)])];
        var g = new Graph("max_pool_ties");
        Value x = g.AddParameter("x", TensorData.Float(values, 2, 1, 4, 4));
        Value y = withIndices ? g.MaxPoolWithIndices(x, 2, 2).Output : g.MaxPool(x, 2, 2);
        (Value loss, float[] upstream) = GradientCheck.WeightedSum(g, y, new Random(Seed));
        using var model = GradientModel.Build(g, loss);
        float[] gradient = model.Run(model.InitialValues(), withGradients: true).Gradients[0];

        float[] expected = new float[values.Length];
        for (int window = 0; window < upstream.Length; window++)
        {
            int n = window / 4;
            int top = (window % 4) / 2 * 2;
            int left = window % 2 * 2;
            int first = -1;
            for (int r = top; r < top + 2; r++)
            {
                for (int c = left; c < left + 2; c++)
                {
                    int flat = (n * 16) + (r * 4) + c;
                    if (first < 0 || values[flat] > values[first])
                    {
                        first = flat;
                    }
                }
            }

            expected[first] = upstream[window];
        }

        CollectionAssert.AreEqual(expected, gradient, $"expected [{string.Join(", ", expected)}], got [{string.Join(", ", gradient)}]");
    }

    [TestMethod]
    [TestCategory("Sigmoid")]
    public void SigmoidGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("sigmoid");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -3f, 3f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Sigmoid(x), random);
        GradientCheck.Check(g, loss, "Sigmoid", CurvedStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Tanh")]
    public void TanhGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("tanh");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -2f, 2f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Tanh(x), random);
        GradientCheck.Check(g, loss, "Tanh", CurvedStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Relu")]
    public void ReluGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("relu");

        // No element within 0.05 of the kink at 0, more than 2h away.
        Value x = g.AddParameter("x", GradientCheck.SpacedTensor(random, 0.1f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Relu(x), random);
        GradientCheck.Check(g, loss, "Relu", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Add")]
    [TestCategory("Sub")]
    [TestCategory("Mul")]
    [TestCategory("Div")]
    [DataRow("Add", "channel", false)]
    [DataRow("Add", "scalar", true)]
    [DataRow("Sub", "channel", false)]
    [DataRow("Sub", "channel", true)]
    [DataRow("Sub", "scalar", true)]
    [DataRow("Mul", "channel", false)]
    [DataRow("Mul", "scalar", true)]
    [DataRow("Div", "channel", false)]
    [DataRow("Div", "channel", true)]
    [DataRow("Div", "scalar", false)]
    [DataRow("Div", "scalar", true)]
    public void ArithmeticGradient_BroadcastMatchesCentralDifferences(string op, string broadcast, bool broadcastFirst)
    {
        var random = new Random(Seed);
        var g = new Graph("arithmetic");

        // Divisors stay in [0.5, 1.5], far from the pole at 0.
        bool fullIsDivisor = op == "Div" && broadcastFirst;
        bool smallIsDivisor = op == "Div" && !broadcastFirst;
        Value full = g.AddParameter("full", GradientCheck.UniformTensor(random, fullIsDivisor ? 0.5f : -1f, 1.5f, 2, 3, 2, 2));
        long[] smallDims = broadcast == "channel" ? [3, 1, 1] : [];
        Value small = g.AddParameter("small", GradientCheck.UniformTensor(random, smallIsDivisor ? 0.5f : -1f, 1.5f, smallDims));
        (Value left, Value right) = broadcastFirst ? (small, full) : (full, small);
        Value y = op switch
        {
            "Add" => g.Add(left, right),
            "Sub" => g.Sub(left, right),
            "Mul" => g.Mul(left, right),
            _ => g.Div(left, right),
        };
        (Value loss, _) = GradientCheck.WeightedSum(g, y, random);
        GradientCheck.Check(g, loss, op, op == "Div" ? CurvedStep : LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("ReduceSum")]
    [DataRow(new long[] { 1 }, true)]
    [DataRow(new long[] { 0, 2 }, true)]
    [DataRow(new long[0], false)]
    [DataRow(new long[0], true)]
    public void ReduceSumGradient_MatchesCentralDifferences(long[] axes, bool keepDims)
    {
        var random = new Random(Seed);
        var g = new Graph("reduce_sum");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.ReduceSum(x, axes, keepDims), random);
        GradientCheck.Check(g, loss, "ReduceSum", LinearStep, Tolerance);
    }

    [TestMethod]
    public void ReduceSumGradient_DroppingSomeAxesIsRefusedByName()
    {
        var g = new Graph("reduce_sum_dropped");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(new Random(Seed), -1f, 1f, 2, 3));
        Value loss = g.ReduceSum(g.ReduceSum(x, [1], keepDims: false), [], keepDims: false);
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => ReverseModeDifferentiator.Differentiate(g, loss, g.Parameters));
        StringAssert.Contains(e.Message, "keepdims=1");
    }

    [TestMethod]
    [TestCategory("Neg")]
    public void NegGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("neg");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Neg(x), random);
        GradientCheck.Check(g, loss, "Neg", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Identity")]
    public void IdentityGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("identity");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Identity(x), random);
        GradientCheck.Check(g, loss, "Identity", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Flatten")]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(3)]
    public void ReshapeGradient_FlattenMatchesCentralDifferences(int axis)
    {
        var random = new Random(Seed);
        var g = new Graph("flatten");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3, 2, 2));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Flatten(x, axis), random);
        GradientCheck.Check(g, loss, "Flatten", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Reshape")]
    public void ReshapeGradient_ReshapeMatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("reshape");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Reshape(x, [4, 0, -1]), random);
        GradientCheck.Check(g, loss, "Reshape", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Transpose")]
    public void TransposeGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("transpose");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3, 4));

        // A permutation that is not its own inverse, so applying perm instead of its inverse fails.
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Transpose(x, [2, 0, 1]), random);
        GradientCheck.Check(g, loss, "Transpose", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Pad")]
    public void PadGradient_MatchesCentralDifferences()
    {
        var random = new Random(Seed);
        var g = new Graph("pad");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -1f, 1f, 1, 2, 3, 3));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Pad2D(x, [1, 0, 2, 1], value: 0.5f), random);
        GradientCheck.Check(g, loss, "Pad", LinearStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("Softmax")]
    [DataRow(-1)]
    [DataRow(1)]
    public void SoftmaxGradient_MatchesCentralDifferences(int axis)
    {
        var random = new Random(Seed);
        var g = new Graph("softmax");
        Value x = g.AddParameter("x", GradientCheck.UniformTensor(random, -2f, 2f, 2, 3, 4));
        (Value loss, _) = GradientCheck.WeightedSum(g, g.Softmax(x, axis), random);
        GradientCheck.Check(g, loss, "Softmax", CurvedStep, Tolerance);
    }

    [TestMethod]
    [TestCategory("SoftmaxCrossEntropyLoss")]
    [DataRow(false)]
    [DataRow(true)]
    public void SoftmaxCrossEntropyLossGradient_MatchesCentralDifferences(bool weighted)
    {
        var random = new Random(Seed);
        var g = new Graph("cross_entropy");
        Value scores = g.AddParameter("scores", GradientCheck.UniformTensor(random, -2f, 2f, 4, 5));
        Value labels = g.AddConstant(TensorData.Int64([.. Enumerable.Range(0, 4).Select(_ => (long)random.Next(5))], 4), name: "labels");
        (Value loss, _) = g.SoftmaxCrossEntropyLoss(scores, labels, name: weighted ? "cross_entropy" : "loss");

        // Weighted, the loss's own gradient is −0.75 instead of the unit seed: the rule's other branch.
        if (weighted)
        {
            loss = g.Mul(loss, g.Scalar(-0.75f), name: "loss");
        }

        GradientCheck.Check(g, loss, "SoftmaxCrossEntropyLoss", CurvedStep, Tolerance);
    }

    [TestMethod]
    public void ReverseModeDifferentiator_OpWithoutRuleFailsNamingTheOp()
    {
        Assert.DoesNotContain("Exp", GradientRegistry.Default.OpTypes);
        var g = new Graph("no_rule");
        Value p = g.AddParameter("p", GradientCheck.UniformTensor(new Random(Seed), -1f, 1f, 2, 3));
        Value labels = g.AddConstant(TensorData.Int64([0, 2], 2), name: "labels");
        (Value loss, _) = g.SoftmaxCrossEntropyLoss(g.Exp(p), labels, name: "loss");
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => ReverseModeDifferentiator.Differentiate(g, loss, g.Parameters));
        StringAssert.Contains(e.Message, "op 'Exp'");
    }

    [TestMethod]
    public void ReverseModeDifferentiator_ParameterNotAffectingTheLossIsNamed()
    {
        var random = new Random(Seed);
        var g = new Graph("unused_parameter");
        Value used = g.AddParameter("used", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3));
        Value unused = g.AddParameter("unused", GradientCheck.UniformTensor(random, -1f, 1f, 2, 3));
        g.AddOutput(g.Tanh(unused, name: "side_output"));
        Value labels = g.AddConstant(TensorData.Int64([0, 2], 2), name: "labels");
        (Value loss, _) = g.SoftmaxCrossEntropyLoss(g.Sigmoid(used), labels, name: "loss");
        GraphBuildException e = Assert.ThrowsExactly<GraphBuildException>(() => ReverseModeDifferentiator.Differentiate(g, loss, g.Parameters));
        StringAssert.Contains(e.Message, "'unused'");
    }

    [TestMethod]
    public void GradientRegistry_EveryDefaultRuleHasAFiniteDifferenceTest()
    {
        string[] covered =
        [
            .. typeof(GradientRuleFiniteDifferenceTests).GetMethods()
                .SelectMany(m => m.GetCustomAttributes<TestCategoryAttribute>())
                .SelectMany(c => c.TestCategories)
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];
        CollectionAssert.AreEqual(GradientRegistry.Default.OpTypes.ToArray(), covered);
    }
}
