namespace LeNetOnnx.Builder.Ir;

/// <summary>
/// A tensor in a graph: a name, an element type and a shape, plus the node that produces it
/// and the nodes that use it.
/// </summary>
public sealed class Value
{
    private readonly List<Node> users = [];

    internal Value(string name, ElementType elementType, TensorShape shape, ValueKind kind, TensorData? data)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Kind = kind;
        Data = data;
    }

    /// <summary>The unique name within its graph.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public ElementType ElementType { get; }

    /// <summary>The shape, inferred when the value was made.</summary>
    public TensorShape Shape { get; }

    /// <summary>Where the value comes from.</summary>
    public ValueKind Kind { get; }

    /// <summary>The stored contents of a parameter or constant; null otherwise.</summary>
    public TensorData? Data { get; }

    /// <summary>The node that computes this value; null for inputs, parameters and constants.</summary>
    public Node? Producer { get; internal set; }

    /// <summary>The nodes that read this value, in the order they were added.</summary>
    public IReadOnlyList<Node> Users => users;

    internal void AddUser(Node node) => users.Add(node);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {ElementType} {Shape}";
}
