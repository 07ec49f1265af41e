using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff;

/// <summary>
/// What a <see cref="IGradientRule"/> sees while the backward pass is built: the graph, which
/// values need a gradient, the gradients of node outputs, and where to add input gradients.
/// </summary>
public sealed class GradientContext
{
    private readonly HashSet<Value> needsGradient;
    private readonly Dictionary<Value, List<Value>> contributions = [];
    private readonly Dictionary<Value, Value> totals = [];
    private readonly Value unitSeed;

    internal GradientContext(Graph graph, HashSet<Value> needsGradient, Value loss)
    {
        Graph = graph;
        this.needsGradient = needsGradient;
        unitSeed = graph.Scalar(1f);
        contributions[loss] = [unitSeed];
    }

    /// <summary>The graph the backward nodes go into (the forward graph itself).</summary>
    public Graph Graph { get; }

    /// <summary>True when <paramref name="value"/> depends on a differentiated parameter, so its gradient is wanted.</summary>
    public bool NeedsGradient(Value value) => needsGradient.Contains(value);

    /// <summary>True when <paramref name="gradient"/> is the seed 1 of the loss, so multiplying by it can be skipped.</summary>
    public bool IsUnitSeed(Value gradient) => ReferenceEquals(gradient, unitSeed);

    /// <summary>True when some gradient has reached <paramref name="output"/>.</summary>
    public bool HasGradient(Value output) => contributions.ContainsKey(output);

    /// <summary>
    /// The gradient of the loss with respect to <paramref name="output"/>: the sum of every
    /// contribution added so far (one <c>Sum</c> node when there are several).
    /// </summary>
    public Value GradientOf(Value output)
    {
        if (totals.TryGetValue(output, out Value? total))
        {
            return total;
        }

        if (!contributions.TryGetValue(output, out List<Value>? parts))
        {
            throw new GraphBuildException($"No gradient reached '{output.Name}'; it does not affect the loss.");
        }

        total = parts.Count == 1 ? parts[0] : Graph.Sum(parts, name: GradientName(output));
        totals[output] = total;
        return total;
    }

    /// <summary>Adds one contribution to the gradient of <paramref name="input"/>; its shape must be the input's.</summary>
    public void AddGradient(Value input, Value gradient)
    {
        if (totals.ContainsKey(input))
        {
            throw new GraphBuildException($"The gradient of '{input.Name}' was already read; a rule added to it too late (the nodes are not in topological order).");
        }

        if (!ShapesAgree(input.Shape, gradient.Shape))
        {
            throw new GraphBuildException($"The gradient '{gradient.Name}' {gradient.Shape} does not have the shape of '{input.Name}' {input.Shape}.");
        }

        if (!contributions.TryGetValue(input, out List<Value>? parts))
        {
            contributions[input] = parts = [];
        }

        parts.Add(gradient);
    }

    /// <summary>
    /// The name a rule gives the gradient it makes for <paramref name="input"/> when that is a
    /// parameter's whole gradient (<c>&lt;parameter&gt;_grad</c>, as ONNX Runtime's artifacts
    /// name them); null otherwise.
    /// </summary>
    public string? GradientName(Value input) =>
        input.Kind == ValueKind.Parameter && input.Users.Count == 1 ? ParameterGradientName(input.Name) : null;

    /// <summary>The name of a parameter's gradient output.</summary>
    public static string ParameterGradientName(string parameter) => parameter + "_grad";

    private static bool ShapesAgree(TensorShape a, TensorShape b) =>
        a.Rank == b.Rank && a.Dims.Zip(b.Dims).All(p => p.First == p.Second || !p.First.IsKnown || !p.Second.IsKnown);
}
