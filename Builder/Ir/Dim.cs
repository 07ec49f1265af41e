namespace LeNetOnnx.Builder.Ir;

/// <summary>
/// One dimension of a tensor shape: a known size, a named symbol such as the batch <c>N</c>,
/// or unknown (neither).
/// </summary>
public readonly record struct Dim
{
    private Dim(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The size when it is known at build time.</summary>
    public long? Size { get; }

    /// <summary>The symbol (ONNX <c>dim_param</c>) when the size is only known at run time.</summary>
    public string? Symbol { get; }

    /// <summary>A dimension whose size is neither known nor named.</summary>
    public static Dim Unknown => default;

    /// <summary>True when the size is known.</summary>
    public bool IsKnown => Size.HasValue;

    /// <summary>A known size.</summary>
    /// <example><c>Dim.Of(28)</c></example>
    public static Dim Of(long size) =>
        size >= 0 ? new Dim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A dimension cannot be negative.");

    /// <summary>A named symbolic size.</summary>
    /// <example><c>Dim.Named("N")</c></example>
    public static Dim Named(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new Dim(null, symbol);
    }

    /// <summary>Implicit conversion from a known size.</summary>
    public static implicit operator Dim(long size) => Of(size);

    /// <inheritdoc/>
    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
