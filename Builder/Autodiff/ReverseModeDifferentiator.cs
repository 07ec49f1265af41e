using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff;

/// <summary>
/// Reverse-mode automatic differentiation on the IR: appends to a graph the nodes that compute
/// the gradient of a scalar loss with respect to chosen parameters, visiting the forward nodes
/// in reverse topological order and applying each op's <see cref="IGradientRule"/>.
/// </summary>
public static class ReverseModeDifferentiator
{
    /// <summary>
    /// Adds the backward pass. Returns, for each parameter in order, its gradient, a value named
    /// <c>&lt;parameter&gt;_grad</c>.
    /// </summary>
    /// <exception cref="GraphBuildException">An op on the path has no rule, or a parameter does not affect the loss.</exception>
    public static IReadOnlyList<Value> Differentiate(Graph graph, Value loss, IReadOnlyList<Value> parameters, GradientRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (loss.Shape.Rank != 0 || loss.ElementType != ElementType.Float)
        {
            throw new GraphBuildException($"The loss '{loss.Name}' must be a float scalar, but it is {loss.ElementType} {loss.Shape}.");
        }

        registry ??= GradientRegistry.Default;
        IReadOnlyList<Node> forward = graph.Nodes.ToArray();
        HashSet<Value> needsGradient = DependOnParameters(forward, parameters);
        var context = new GradientContext(graph, needsGradient, loss);
        for (int i = forward.Count - 1; i >= 0; i--)
        {
            Node node = forward[i];
            if (node.Outputs.Any(context.HasGradient) && node.Inputs.Any(input => input is not null && needsGradient.Contains(input)))
            {
                registry.For(node).Backward(context, node);
            }
        }

        var gradients = new Value[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            Value parameter = parameters[i];
            if (!context.HasGradient(parameter))
            {
                throw new GraphBuildException($"The parameter '{parameter.Name}' does not affect the loss '{loss.Name}'.");
            }

            Value gradient = context.GradientOf(parameter);
            string name = GradientContext.ParameterGradientName(parameter.Name);
            gradients[i] = gradient.Name == name ? gradient : graph.Identity(gradient, name: name);
        }

        return gradients;
    }

    private static HashSet<Value> DependOnParameters(IReadOnlyList<Node> nodes, IReadOnlyList<Value> parameters)
    {
        var depends = new HashSet<Value>(parameters);
        foreach (Node node in nodes)
        {
            if (node.Inputs.Any(input => input is not null && depends.Contains(input)))
            {
                foreach (Value output in node.Outputs.Where(o => o.ElementType == ElementType.Float))
                {
                    depends.Add(output);
                }
            }
        }

        return depends;
    }
}
