using LeNetOnnx.Builder.Autodiff.Rules;
using LeNetOnnx.Builder.Ir;

namespace LeNetOnnx.Builder.Autodiff;

/// <summary>The gradient rules, keyed by operator type.</summary>
public sealed class GradientRegistry
{
    private readonly Dictionary<string, IGradientRule> rules = new(StringComparer.Ordinal);

    /// <summary>Creates a registry holding <paramref name="rules"/>.</summary>
    public GradientRegistry(IEnumerable<IGradientRule> rules)
    {
        foreach (IGradientRule rule in rules)
        {
            if (!this.rules.TryAdd(rule.OpType, rule))
            {
                throw new ArgumentException($"Two gradient rules for op '{rule.OpType}'.", nameof(rules));
            }
        }
    }

    /// <summary>Every rule of the Builder: the ops any LeNet-5 variant and its loss use, and a few more.</summary>
    public static GradientRegistry Default { get; } = new(
    [
        new ConvGradient(),
        new GemmGradient(),
        new MatMulGradient(),
        new AveragePoolGradient(),
        new MaxPoolGradient(),
        new SigmoidGradient(),
        new TanhGradient(),
        new ReluGradient(),
        new ArithmeticGradient("Add"),
        new ArithmeticGradient("Sub"),
        new ArithmeticGradient("Mul"),
        new ArithmeticGradient("Div"),
        new NegGradient(),
        new IdentityGradient(),
        new ReshapeGradient("Flatten"),
        new ReshapeGradient("Reshape"),
        new TransposeGradient(),
        new PadGradient(),
        new ConcatGradient(),
        new SoftmaxGradient(),
        new SoftmaxCrossEntropyLossGradient(),
        new ReduceSumGradient(),
    ]);

    /// <summary>The op types that have a rule.</summary>
    public IEnumerable<string> OpTypes => rules.Keys.Order(StringComparer.Ordinal);

    /// <summary>The rule for <paramref name="node"/>'s op; a clear error names the op when there is none.</summary>
    public IGradientRule For(Node node) =>
        rules.TryGetValue(node.OpType, out IGradientRule? rule)
            ? rule
            : throw new GraphBuildException($"No gradient rule for op '{node.OpType}' (node '{node.Name}'); ops with rules: {string.Join(", ", OpTypes)}.");
}
