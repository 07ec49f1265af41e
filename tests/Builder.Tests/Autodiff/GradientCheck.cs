using System.Globalization;
using System.Text;
using LeNetOnnx.Builder.Autodiff;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.Serialization;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Builder.Tests.Autodiff;

/// <summary>
/// Finite-difference checking of gradient rules through ONNX Runtime: a graph whose
/// parameters feed one op and a scalar loss is differentiated, written with the parameters as
/// inputs, and run; every analytical gradient element is compared with the central difference
/// of the loss computed by the same model. The tensors are tiny, so no element is skipped.
/// </summary>
internal static class GradientCheck
{
    /// <summary>The rules under test: <see cref="GradientRegistry.Default"/>, whose ReduceSum rule also differentiates the loss head.</summary>
    public static GradientRegistry Registry => GradientRegistry.Default;

    /// <summary>
    /// Appends the loss <c>ReduceSum(output · R)</c> with a fixed random <c>R</c> in [−1, 1] of the
    /// output's shape, so the op under test receives the upstream gradient <c>R</c> rather than ones.
    /// </summary>
    public static (Value Loss, float[] Upstream) WeightedSum(Graph g, Value output, Random random)
    {
        long[] dims = output.Shape.ToSizes();
        float[] upstream = Uniform(random, (int)output.Shape.ElementCount, -1f, 1f);
        Value r = g.AddConstant(TensorData.Float(upstream, dims), name: "upstream");
        return (g.ReduceSum(g.Mul(output, r), [], keepDims: false, name: "loss"), upstream);
    }

    /// <summary>Uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static float[] Uniform(Random random, int count, float low, float high)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }

    /// <summary>A float tensor of uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static TensorData UniformTensor(Random random, float low, float high, params long[] dims) =>
        TensorData.Float(Uniform(random, (int)dims.Aggregate(1L, (n, d) => n * d), low, high), dims);

    /// <summary>
    /// A shuffled grid <c>spacing·(k + ½)</c>, k = −n/2 … n/2 − 1: every two elements differ by at
    /// least <paramref name="spacing"/> and none is nearer to 0 than half of it, which keeps
    /// max-pooling and Relu away from their kinks under perturbations smaller than that.
    /// </summary>
    public static TensorData SpacedTensor(Random random, float spacing, params long[] dims)
    {
        int count = (int)dims.Aggregate(1L, (n, d) => n * d);
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = spacing * (i - (count / 2) + 0.5f);
        }

        random.Shuffle(values);
        return TensorData.Float(values, dims);
    }

    /// <summary>
    /// Differentiates <paramref name="loss"/> with respect to every parameter of
    /// <paramref name="g"/>, runs the model, and compares each gradient element with the
    /// central difference (L(p + h·eᵢ) − L(p − h·eᵢ)) / 2h of the same model's loss.
    /// </summary>
    /// <param name="g">A graph whose parameters are the inputs to check.</param>
    /// <param name="loss">The scalar loss.</param>
    /// <param name="opUnderTest">The op whose rule is checked; it must be in the graph.</param>
    /// <param name="step">h: large for ops linear in the perturbed input (no truncation error), small for curved ones.</param>
    /// <param name="tolerance">What a gradient element may differ by.</param>
    public static void Check(Graph g, Value loss, string opUnderTest, float step, Tolerance tolerance)
    {
        Assert.IsTrue(g.Nodes.Any(n => n.OpType == opUnderTest), $"The graph has no {opUnderTest} node to check.");
        using var model = GradientModel.Build(g, loss);
        float[][] values = model.InitialValues();
        (_, float[][] analytic) = model.Run(values, withGradients: true);
        var failures = new StringBuilder();
        double worstError = 0;
        double worstShare = 0;
        int checkedCount = 0;
        for (int p = 0; p < values.Length; p++)
        {
            float[] v = values[p];
            for (int i = 0; i < v.Length; i++)
            {
                float original = v[i];
                float plus = original + step;
                float minus = original - step;
                v[i] = plus;
                float lossPlus = model.Run(values, withGradients: false).Loss;
                v[i] = minus;
                float lossMinus = model.Run(values, withGradients: false).Loss;
                v[i] = original;

                // Divide by the perturbation float32 actually made, not by 2h.
                double numeric = ((double)lossPlus - lossMinus) / ((double)plus - minus);
                double error = Math.Abs(numeric - analytic[p][i]);
                double allowed = tolerance.Allowed(analytic[p][i]);
                worstError = Math.Max(worstError, error);
                worstShare = Math.Max(worstShare, error / allowed);
                checkedCount++;
                if (error > allowed)
                {
                    failures.AppendLine(CultureInfo.InvariantCulture, $"  {model.Parameters[p].Name}[{i}]: analytic {analytic[p][i]:R}, central difference {numeric:R}, |difference| {error:E2} > {allowed:E2}");
                }
            }
        }

        var report = new GradientCheckReport(opUnderTest, checkedCount, worstError, worstShare);
        Console.WriteLine(report);
        Assert.AreEqual(0, failures.Length, $"{opUnderTest}: gradient elements differ from central differences (h = {step}):\n{failures}");
    }
}

/// <summary>|numeric − analytic| ≤ <see cref="Absolute"/> + <see cref="Relative"/>·|analytic|.</summary>
internal readonly record struct Tolerance(double Absolute, double Relative)
{
    public double Allowed(double analytic) => Absolute + (Relative * Math.Abs(analytic));
}

/// <summary>What one check measured: the worst absolute difference and the worst share of the allowed difference.</summary>
internal sealed record GradientCheckReport(string Op, int Elements, double WorstError, double WorstShareOfTolerance)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Op}: {Elements} elements, worst |fd - analytic| {WorstError:E2}, worst share of tolerance {WorstShareOfTolerance:F3}");
}

/// <summary>A differentiated graph in an ONNX Runtime session, fed its parameters at each run.</summary>
internal sealed class GradientModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] allOutputs;

    private GradientModel(InferenceSession session, IReadOnlyList<Value> parameters, string[] allOutputs)
    {
        this.session = session;
        this.allOutputs = allOutputs;
        Parameters = parameters;
        inputNames = [.. parameters.Select(p => p.Name)];
    }

    public IReadOnlyList<Value> Parameters { get; }

    /// <summary>
    /// Adds the backward pass for every parameter of <paramref name="g"/> (with
    /// <see cref="GradientCheck.Registry"/>), makes the loss and the gradients the outputs, and
    /// loads the model written with <see cref="ParameterPlacement.Inputs"/>.
    /// </summary>
    public static GradientModel Build(Graph g, Value loss)
    {
        IReadOnlyList<Value> gradients = ReverseModeDifferentiator.Differentiate(g, loss, g.Parameters, GradientCheck.Registry);
        g.AddOutput(loss);
        foreach (Value gradient in gradients)
        {
            g.AddOutput(gradient);
        }

        byte[] bytes = OnnxModelWriter.ToBytes(g, new ModelDescription { Parameters = ParameterPlacement.Inputs });
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        var session = new InferenceSession(bytes, options);
        return new GradientModel(session, g.Parameters, [loss.Name, .. gradients.Select(v => v.Name)]);
    }

    /// <summary>Fresh copies of the parameters' stored values.</summary>
    public float[][] InitialValues() => [.. Parameters.Select(p => (float[])p.Data!.Floats!.Clone())];

    /// <summary>Runs the model on <paramref name="values"/>; the gradients are read only when asked.</summary>
    public (float Loss, float[][] Gradients) Run(float[][] values, bool withGradients)
    {
        var inputs = new OrtValue[values.Length];
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                inputs[i] = OrtValue.CreateTensorValueFromMemory(values[i], [.. Parameters[i].Data!.Dims]);
            }

            string[] outputs = withGradients ? allOutputs : allOutputs[..1];
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, inputNames, inputs, outputs);
            float loss = results[0].GetTensorDataAsSpan<float>()[0];
            float[][] gradients = [.. results.Skip(1).Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
            return (loss, gradients);
        }
        finally
        {
            foreach (OrtValue? input in inputs)
            {
                input?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }
}
