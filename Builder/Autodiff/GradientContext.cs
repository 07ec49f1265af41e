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
    private readonly Dictionary<Value, Value> expanded = [];
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
    /// The gradient of the loss with respect to <paramref name="output"/>, shaped like it: the
    /// sum of every contribution added so far (one <c>Sum</c> node when there are several),
    /// expanded when the contributions are in a broadcastable form.
    /// </summary>
    public Value GradientOf(Value output)
    {
        Value total = BroadcastGradientOf(output);
        if (!IsBroadcastForm(total.Shape, output.Shape))
        {
            return total;
        }

        if (!expanded.TryGetValue(output, out Value? full))
        {
            full = Graph.ExpandLike(total, output);
            expanded[output] = full;
        }

        return full;
    }

    /// <summary>
    /// The gradient of <paramref name="output"/> as the contributions left it: possibly a tensor
    /// that only broadcasts to <paramref name="output"/>'s shape (a reduction's gradient is the
    /// same for every element it summed). Rules whose ops broadcast it themselves (elementwise
    /// activations) ask for this form, which saves writing out the repeated values.
    /// </summary>
    public Value BroadcastGradientOf(Value output)
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

    /// <summary>
    /// Adds one contribution to the gradient of <paramref name="input"/>; its shape must be the
    /// input's or broadcast to it (see <see cref="BroadcastGradientOf"/>).
    /// </summary>
    public void AddGradient(Value input, Value gradient)
    {
        if (totals.ContainsKey(input))
        {
            throw new GraphBuildException($"The gradient of '{input.Name}' was already read; a rule added to it too late (the nodes are not in topological order).");
        }

        if (!ShapesAgree(input.Shape, gradient.Shape) && !BroadcastsTo(gradient.Shape, input.Shape))
        {
            throw new GraphBuildException($"The gradient '{gradient.Name}' {gradient.Shape} neither has nor broadcasts to the shape of '{input.Name}' {input.Shape}.");
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

    /// <summary>Numpy broadcasting of <paramref name="from"/> to <paramref name="to"/> without growing <paramref name="to"/>.</summary>
    private static bool BroadcastsTo(TensorShape from, TensorShape to) =>
        from.Rank <= to.Rank && from.Dims.Zip(to.Dims.Skip(to.Rank - from.Rank)).All(p => p.First == p.Second || p.First.Size == 1 || !p.First.IsKnown || !p.Second.IsKnown);

    /// <summary>True when a gradient of shape <paramref name="gradient"/> still has to be expanded to <paramref name="output"/>'s shape.</summary>
    private static bool IsBroadcastForm(TensorShape gradient, TensorShape output) =>
        gradient.Rank < output.Rank || gradient.Dims.Zip(output.Dims).Any(p => p.First.Size == 1 && p.Second.Size != 1);
}
