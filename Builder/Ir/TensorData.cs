namespace LeNetOnnx.Builder.Ir;

/// <summary>The contents of an initializer: a float or int64 array with a fully known shape.</summary>
public sealed class TensorData
{
    private TensorData(ElementType elementType, long[] dims, float[]? floats, long[]? int64s, double[]? doubles = null)
    {
        long count = dims.Aggregate(1L, (n, d) => checked(n * d));
        long actual = floats?.LongLength ?? int64s?.LongLength ?? doubles!.LongLength;
        if (count != actual)
        {
            throw new GraphBuildException($"Tensor data has {actual} elements but its shape [{string.Join(",", dims)}] needs {count}.");
        }

        ElementType = elementType;
        Dims = dims;
        Floats = floats;
        Int64s = int64s;
        Doubles = doubles;
    }

    /// <summary>The element type.</summary>
    public ElementType ElementType { get; }

    /// <summary>The sizes, outermost first.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>The values when <see cref="ElementType"/> is float.</summary>
    public float[]? Floats { get; }

    /// <summary>The values when <see cref="ElementType"/> is int64.</summary>
    public long[]? Int64s { get; }

    /// <summary>The values when <see cref="ElementType"/> is double.</summary>
    public double[]? Doubles { get; }

    /// <summary>The shape as a <see cref="TensorShape"/>.</summary>
    public TensorShape Shape => new(Dims.Select(Dim.Of).ToArray());

    /// <summary>A float tensor; the array is kept, not copied.</summary>
    public static TensorData Float(float[] values, params long[] dims) => new(ElementType.Float, dims, values, null);

    /// <summary>An int64 tensor; the array is kept, not copied.</summary>
    public static TensorData Int64(long[] values, params long[] dims) => new(ElementType.Int64, dims, null, values);

    /// <summary>A float scalar (rank 0).</summary>
    public static TensorData FloatScalar(float value) => new(ElementType.Float, [], [value], null);

    /// <summary>A double scalar (rank 0).</summary>
    public static TensorData DoubleScalar(double value) => new(ElementType.Double, [], null, null, [value]);

    /// <summary>An int64 scalar (rank 0).</summary>
    public static TensorData Int64Scalar(long value) => new(ElementType.Int64, [], null, [value]);

    /// <summary>An int64 vector.</summary>
    public static TensorData Int64Vector(params long[] values) => new(ElementType.Int64, [values.Length], null, values);
}
