namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>Elementwise <c>a + b</c> with broadcasting.</summary>
    public Value Add(Value a, Value b, string? name = null) => Binary("Add", a, b, name);

    /// <summary>Elementwise <c>a - b</c> with broadcasting.</summary>
    public Value Sub(Value a, Value b, string? name = null) => Binary("Sub", a, b, name);

    /// <summary>Elementwise <c>a * b</c> with broadcasting.</summary>
    public Value Mul(Value a, Value b, string? name = null) => Binary("Mul", a, b, name);

    /// <summary>Elementwise <c>a / b</c> with broadcasting.</summary>
    public Value Div(Value a, Value b, string? name = null) => Binary("Div", a, b, name);

    /// <summary>Logistic sigmoid.</summary>
    public Value Sigmoid(Value x, string? name = null) => Unary("Sigmoid", x, name);

    /// <summary>Hyperbolic tangent.</summary>
    public Value Tanh(Value x, string? name = null) => Unary("Tanh", x, name);

    /// <summary>Rectified linear unit.</summary>
    public Value Relu(Value x, string? name = null) => Unary("Relu", x, name);

    /// <summary>Elementwise exponential.</summary>
    public Value Exp(Value x, string? name = null) => Unary("Exp", x, name);

    /// <summary>Elementwise natural logarithm.</summary>
    public Value Log(Value x, string? name = null) => Unary("Log", x, name);

    /// <summary>Elementwise negation.</summary>
    public Value Neg(Value x, string? name = null) => Unary("Neg", x, name);

    /// <summary>Elementwise square root.</summary>
    public Value Sqrt(Value x, string? name = null) => Unary("Sqrt", x, name);

    /// <summary>A copy of <paramref name="x"/> under another name.</summary>
    public Value Identity(Value x, string? name = null) => Unary("Identity", x, name);

    private Value Unary(string op, Value x, string? name) =>
        AddNode(op, [x], [(name, x.ElementType, x.Shape)])[0];

    private Value Binary(string op, Value a, Value b, string? name)
    {
        ShapeInference.RequireSameType(op, a, b);
        return AddNode(op, [a, b], [(name, a.ElementType, ShapeInference.Broadcast(op, a.Shape, b.Shape))])[0];
    }
}
