using System.Collections.ObjectModel;

namespace LeNetOnnx.Builder.Ir;

/// <summary>The value of a node attribute: one of ONNX's attribute kinds used by the Builder.</summary>
public sealed class AttributeValue
{
    private AttributeValue(AttributeKind kind, long integer = 0, float real = 0, string? text = null, long[]? integers = null, float[]? reals = null, TensorData? tensor = null)
    {
        Tensor = tensor;
        Kind = kind;
        Int = integer;
        Float = real;
        String = text;
        Ints = new ReadOnlyCollection<long>(integers ?? []);
        Floats = new ReadOnlyCollection<float>(reals ?? []);
    }

    /// <summary>Which of the payload properties holds the value.</summary>
    public AttributeKind Kind { get; }

    /// <summary>The value of an <see cref="AttributeKind.Int"/> attribute.</summary>
    public long Int { get; }

    /// <summary>The value of a <see cref="AttributeKind.Float"/> attribute.</summary>
    public float Float { get; }

    /// <summary>The value of a <see cref="AttributeKind.String"/> attribute.</summary>
    public string? String { get; }

    /// <summary>The value of an <see cref="AttributeKind.Ints"/> attribute.</summary>
    public IReadOnlyList<long> Ints { get; }

    /// <summary>The value of a <see cref="AttributeKind.Floats"/> attribute.</summary>
    public IReadOnlyList<float> Floats { get; }

    /// <summary>The value of a <see cref="AttributeKind.Tensor"/> attribute.</summary>
    public TensorData? Tensor { get; }

    /// <summary>A tensor attribute.</summary>
    public static AttributeValue Of(TensorData value) => new(AttributeKind.Tensor, tensor: value);

    /// <summary>An integer attribute.</summary>
    public static AttributeValue Of(long value) => new(AttributeKind.Int, integer: value);

    /// <summary>A float attribute.</summary>
    public static AttributeValue Of(float value) => new(AttributeKind.Float, real: value);

    /// <summary>A string attribute.</summary>
    public static AttributeValue Of(string value) => new(AttributeKind.String, text: value);

    /// <summary>An integer list attribute.</summary>
    public static AttributeValue Of(params long[] values) => new(AttributeKind.Ints, integers: values);

    /// <summary>A float list attribute.</summary>
    public static AttributeValue Of(params float[] values) => new(AttributeKind.Floats, reals: values);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        AttributeKind.Int => Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.Float => Float.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.String => String!,
        AttributeKind.Ints => "[" + string.Join(",", Ints) + "]",
        AttributeKind.Tensor => "tensor " + Tensor!.Shape,
        _ => "[" + string.Join(",", Floats) + "]",
    };
}

/// <summary>The kinds of attribute value the Builder writes.</summary>
public enum AttributeKind
{
    /// <summary>A single int64.</summary>
    Int,

    /// <summary>A single float.</summary>
    Float,

    /// <summary>A UTF-8 string.</summary>
    String,

    /// <summary>A list of int64.</summary>
    Ints,

    /// <summary>A list of floats.</summary>
    Floats,

    /// <summary>A constant tensor.</summary>
    Tensor,
}
