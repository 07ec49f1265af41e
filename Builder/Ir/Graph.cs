namespace LeNetOnnx.Builder.Ir;

/// <summary>
/// A computation graph under construction. Values are made by the op helpers (partial files
/// <c>Graph.*.cs</c>), each of which checks its inputs and infers its output shape, so a wrong
/// shape fails at the line that built it.
/// </summary>
/// <example>
/// <code>
/// var g = new Graph("tiny");
/// Value x = g.AddInput("x", ElementType.Float, new TensorShape(Dim.Named("N"), 4));
/// g.AddOutput(g.Sigmoid(x, name: "y"));
/// </code>
/// </example>
public sealed partial class Graph
{
    private readonly List<Value> inputs = [];
    private readonly List<Value> parameters = [];
    private readonly List<Value> constants = [];
    private readonly List<Value> outputs = [];
    private readonly List<Node> nodes = [];
    private readonly Dictionary<string, Value> valuesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Value> floatScalars = [];
    private readonly Dictionary<long, Value> doubleScalars = [];
    private readonly NameAuthority valueNames = new();
    private readonly NameAuthority nodeNames = new();

    /// <summary>Creates an empty graph that emits ops in the form valid for <paramref name="opset"/>.</summary>
    public Graph(string name, int opset = Opset.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        OpsetVersion = Opset.Validate(opset);
    }

    /// <summary>The graph name.</summary>
    public string Name { get; }

    /// <summary>The default-domain opset the graph's ops are emitted for.</summary>
    public int OpsetVersion { get; }

    /// <summary>Runtime inputs, in order.</summary>
    public IReadOnlyList<Value> Inputs => inputs;

    /// <summary>Trainable parameters, in the order they were added.</summary>
    public IReadOnlyList<Value> Parameters => parameters;

    /// <summary>Stored constants, in the order they were added.</summary>
    public IReadOnlyList<Value> Constants => constants;

    /// <summary>Graph outputs, in order.</summary>
    public IReadOnlyList<Value> Outputs => outputs;

    /// <summary>Nodes in topological order (the order they were added).</summary>
    public IReadOnlyList<Node> Nodes => nodes;

    /// <summary>Looks a value up by name.</summary>
    public Value this[string name] =>
        valuesByName.TryGetValue(name, out Value? v) ? v : throw new KeyNotFoundException($"The graph '{Name}' has no value named '{name}'.");

    /// <summary>Adds a runtime input.</summary>
    public Value AddInput(string name, ElementType elementType, TensorShape shape)
    {
        Value v = Register(new Value(valueNames.Claim(name), elementType, shape, ValueKind.GraphInput, null));
        inputs.Add(v);
        return v;
    }

    /// <summary>Adds a trainable parameter with its initial contents.</summary>
    public Value AddParameter(string name, TensorData data)
    {
        Value v = Register(new Value(valueNames.Claim(name), data.ElementType, data.Shape, ValueKind.Parameter, data));
        parameters.Add(v);
        return v;
    }

    /// <summary>Adds a stored constant; the name is made from <paramref name="hint"/> when not given.</summary>
    public Value AddConstant(TensorData data, string? name = null, string hint = "const")
    {
        Value v = Register(new Value(valueNames.ClaimOrMake(name, hint), data.ElementType, data.Shape, ValueKind.Constant, data));
        constants.Add(v);
        return v;
    }

    /// <summary>A float scalar constant; one stored copy per distinct value.</summary>
    public Value Scalar(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        if (!floatScalars.TryGetValue(bits, out Value? v))
        {
            v = AddConstant(TensorData.FloatScalar(value), hint: "scalar");
            floatScalars[bits] = v;
        }

        return v;
    }

    /// <summary>A double scalar constant; one stored copy per distinct value.</summary>
    public Value DoubleScalar(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        if (!doubleScalars.TryGetValue(bits, out Value? v))
        {
            v = AddConstant(TensorData.DoubleScalar(value), hint: "scalar_f64");
            doubleScalars[bits] = v;
        }

        return v;
    }

    /// <summary>An int64 vector constant (shapes, pads, axes).</summary>
    public Value Int64s(params long[] values) => AddConstant(TensorData.Int64Vector(values), hint: "ints");

    /// <summary>Marks a value as a graph output.</summary>
    public void AddOutput(Value value)
    {
        EnsureOwned(value);
        if (outputs.Contains(value))
        {
            throw new GraphBuildException($"'{value.Name}' is already an output of graph '{Name}'.");
        }

        outputs.Add(value);
    }

    /// <summary>
    /// Adds a node. <paramref name="outputs"/> gives each output's name (null: made from the op
    /// type), element type and inferred shape.
    /// </summary>
    internal Value[] AddNode(
        string opType,
        IReadOnlyList<Value?> nodeInputs,
        IReadOnlyList<(string? Name, ElementType Type, TensorShape Shape)> outputs,
        IEnumerable<KeyValuePair<string, AttributeValue>>? attributes = null)
    {
        foreach (Value? input in nodeInputs)
        {
            if (input is not null)
            {
                EnsureOwned(input);
            }
        }

        var made = new Value[outputs.Count];
        for (int i = 0; i < made.Length; i++)
        {
            (string? outName, ElementType type, TensorShape shape) = outputs[i];
            made[i] = Register(new Value(valueNames.ClaimOrMake(outName, opType.ToLowerInvariant()), type, shape, ValueKind.Intermediate, null));
        }

        var sorted = new SortedDictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach ((string key, AttributeValue value) in attributes ?? [])
        {
            sorted.Add(key, value);
        }

        var node = new Node(nodeNames.Claim(made[0].Name), opType, nodeInputs.ToArray(), made, sorted);
        foreach (Value output in made)
        {
            output.Producer = node;
        }

        foreach (Value? input in nodeInputs)
        {
            input?.AddUser(node);
        }

        nodes.Add(node);
        return made;
    }

    private Value Register(Value v)
    {
        valuesByName.Add(v.Name, v);
        return v;
    }

    private void EnsureOwned(Value v)
    {
        if (!valuesByName.TryGetValue(v.Name, out Value? own) || !ReferenceEquals(own, v))
        {
            throw new GraphBuildException($"The value '{v.Name}' does not belong to graph '{Name}'.");
        }
    }
}
