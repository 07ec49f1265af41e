namespace LeNetOnnx.Builder.Ir;

/// <summary>An immutable tensor shape; equality compares the dimensions.</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly Dim[] dims;

    /// <summary>Creates a shape from its dimensions, outermost first.</summary>
    public TensorShape(params ReadOnlySpan<Dim> dims) => this.dims = dims.ToArray();

    /// <summary>The shape of a scalar (rank 0).</summary>
    public static TensorShape Scalar { get; } = new();

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<Dim> Dims => dims;

    /// <summary>The number of dimensions.</summary>
    public int Rank => dims.Length;

    /// <summary>One dimension.</summary>
    public Dim this[int axis] => dims[axis];

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyKnown => dims.All(d => d.IsKnown);

    /// <summary>The number of elements; only defined when <see cref="IsFullyKnown"/>.</summary>
    public long ElementCount =>
        IsFullyKnown
            ? dims.Aggregate(1L, (n, d) => checked(n * d.Size!.Value))
            : throw new InvalidOperationException($"Shape {this} has dimensions that are not known at build time.");

    /// <summary>The known sizes as an array; throws when a dimension is symbolic.</summary>
    public long[] ToSizes() =>
        IsFullyKnown ? dims.Select(d => d.Size!.Value).ToArray()
            : throw new InvalidOperationException($"Shape {this} has dimensions that are not known at build time.");

    /// <summary>Normalizes a possibly negative axis against this rank.</summary>
    public int NormalizeAxis(int axis)
    {
        int normalized = axis < 0 ? axis + Rank : axis;
        if (normalized < 0 || normalized >= Math.Max(Rank, 1))
        {
            throw new GraphBuildException($"Axis {axis} is out of range for shape {this} (rank {Rank}).");
        }

        return normalized;
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (Dim d in dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Formats as <c>[N,6,28,28]</c>.</summary>
    public override string ToString() => "[" + string.Join(",", dims) + "]";
}
