using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// Emits one optimizer step as graph nodes, with the arithmetic of <c>torch.optim</c> (PyTorch
/// 1.13, single-tensor path) so trajectories can be compared: SGD with momentum, dampening,
/// Nesterov and weight decay; Adam and AdamW with bias correction.
/// </summary>
/// <remarks>
/// Scalars that torch computes in Python doubles (bias corrections, step size) are computed in
/// float64 here too, then rounded to float32 once, as torch does when it applies them.
/// </remarks>
public sealed class OptimizerGraph
{
    private readonly Graph g;
    private readonly OptimizerOptions options;
    private readonly Value learningRate;
    private readonly Value step;
    private Value? firstStep;
    private (Value StepSize, Value? Correction2Sqrt)? adamScalars;

    /// <summary>Prepares to emit updates into <paramref name="graph"/>.</summary>
    /// <param name="graph">The graph to extend.</param>
    /// <param name="options">The optimizer.</param>
    /// <param name="learningRate">A float scalar value: this step's learning rate.</param>
    /// <param name="step">An int64 scalar value: the 1-based number of the step being taken.</param>
    public OptimizerGraph(Graph graph, OptimizerOptions options, Value learningRate, Value step)
    {
        g = graph;
        this.options = options.Validate();
        this.learningRate = learningRate;
        this.step = step;
    }

    /// <summary>
    /// Emits the update of one parameter. <paramref name="state"/> holds the tensors named by
    /// <see cref="OptimizerOptions.StateNames"/>. Returns the new parameter and new state,
    /// named <c>&lt;name&gt;.next</c> and <c>&lt;name&gt;.&lt;state&gt;.next</c>.
    /// </summary>
    public (Value Parameter, IReadOnlyList<Value> State) Update(string name, Value parameter, Value gradient, IReadOnlyList<Value> state)
    {
        if (state.Count != options.StateNames.Count)
        {
            throw new GraphBuildException($"The {options.Name} update of '{name}' needs {options.StateNames.Count} state tensors, got {state.Count}.");
        }

        return options.Kind == OptimizerKind.Sgd ? Sgd(name, parameter, gradient, state) : Adam(name, parameter, gradient, state);
    }

    /// <summary>The name of a parameter's state tensor.</summary>
    public static string StateName(string parameter, string state) => $"{parameter}.{state}";

    /// <summary>The name of an updated tensor.</summary>
    public static string NextName(string name) => name + ".next";

    private (Value, IReadOnlyList<Value>) Sgd(string name, Value p, Value grad, IReadOnlyList<Value> state)
    {
        Value d = options.WeightDecay != 0 ? g.Add(grad, g.Mul(p, Scalar(options.WeightDecay))) : grad;
        var newState = new List<Value>();
        if (options.Momentum != 0)
        {
            // torch starts the buffer as a copy of the first gradient, without dampening.
            Value buffer = state[0];
            Value incoming = options.Dampening != 0 ? g.Mul(d, Scalar(1 - options.Dampening)) : d;
            Value running = g.Add(g.Mul(buffer, Scalar(options.Momentum)), incoming);
            Value next = g.Where(FirstStep(), d, running, name: NextName(StateName(name, "momentum")));
            newState.Add(next);
            d = options.Nesterov ? g.Add(d, g.Mul(next, Scalar(options.Momentum))) : next;
        }

        return (g.Sub(p, g.Mul(d, learningRate), name: NextName(name)), newState);
    }

    private (Value, IReadOnlyList<Value>) Adam(string name, Value p, Value grad, IReadOnlyList<Value> state)
    {
        Value d = grad;
        if (options.WeightDecay != 0)
        {
            if (options.Kind is OptimizerKind.AdamW or OptimizerKind.KerasAdam)
            {
                // param.mul_(1 - lr * weight_decay), with the product in double as in torch.
                Value keep = g.Cast(g.Sub(g.DoubleScalar(1), g.Mul(g.Cast(learningRate, ElementType.Double), g.DoubleScalar(options.WeightDecay))), ElementType.Float);
                p = g.Mul(p, keep);
            }
            else
            {
                d = g.Add(d, g.Mul(p, Scalar(options.WeightDecay)));
            }
        }

        Value m = g.Add(g.Mul(state[0], Scalar(options.Beta1)), g.Mul(d, Scalar(1 - options.Beta1)), name: NextName(StateName(name, "exp_avg")));
        Value v = g.Add(g.Mul(state[1], Scalar(options.Beta2)), g.Mul(g.Mul(d, d), Scalar(1 - options.Beta2)), name: NextName(StateName(name, "exp_avg_sq")));
        (Value stepSize, Value? correction2Sqrt) = AdamScalars();
        Value denominator = g.Add(correction2Sqrt is null ? g.Sqrt(v) : g.Div(g.Sqrt(v), correction2Sqrt), Scalar(options.Epsilon));
        Value next = g.Sub(p, g.Mul(g.Div(m, denominator), stepSize), name: NextName(name));
        return (next, [m, v]);
    }

    private Value FirstStep() => firstStep ??= g.Equal(step, g.AddConstant(TensorData.Int64Scalar(1), hint: "one"));

    /// <summary>
    /// The step size and, for torch's Adam, √(1−β₂ᵗ) that divides √v; Keras folds that correction
    /// into the step size instead, lr·√(1−β₂ᵗ)/(1−β₁ᵗ), and has no divisor (null).
    /// </summary>
    private (Value StepSize, Value? Correction2Sqrt) AdamScalars()
    {
        if (adamScalars is { } cached)
        {
            return cached;
        }

        Value stepD = g.Cast(step, ElementType.Double);
        Value one = g.DoubleScalar(1);
        Value correction1 = g.Sub(one, g.Pow(g.DoubleScalar(options.Beta1), stepD));
        Value correction2 = g.Sub(one, g.Pow(g.DoubleScalar(options.Beta2), stepD));
        Value rate = g.Cast(learningRate, ElementType.Double);
        adamScalars = options.Kind == OptimizerKind.KerasAdam
            ? (g.Cast(g.Div(g.Mul(rate, g.Sqrt(correction2)), correction1), ElementType.Float, name: "adam.step_size"), null)
            : (g.Cast(g.Div(rate, correction1), ElementType.Float, name: "adam.step_size"), g.Cast(g.Sqrt(correction2), ElementType.Float, name: "adam.bias_correction2_sqrt"));
        return adamScalars.Value;
    }

    private Value Scalar(double value) => g.Scalar((float)value);
}
