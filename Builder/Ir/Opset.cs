namespace LeNetOnnx.Builder.Ir;

/// <summary>The ONNX opsets (default domain) the Builder can emit, and the IR version that goes with each.</summary>
public static class Opset
{
    /// <summary>The oldest opset emitted.</summary>
    public const int Min = 13;

    /// <summary>The newest opset emitted.</summary>
    public const int Max = 21;

    /// <summary>The opset used when none is asked for.</summary>
    public const int Default = 17;

    /// <summary>Throws a clear error when <paramref name="opset"/> is outside <see cref="Min"/>..<see cref="Max"/>.</summary>
    public static int Validate(int opset) =>
        opset is >= Min and <= Max
            ? opset
            : throw new ArgumentOutOfRangeException(nameof(opset), opset, $"Opset {opset} is not supported; use {Min} to {Max}.");

    /// <summary>
    /// The IR version written for an opset: the release that introduced the opset, and never
    /// below IR 8 (what every supported runtime, and Debian's onnx 1.12 checker, reads).
    /// </summary>
    public static long IrVersionFor(int opset) => Validate(opset) switch
    {
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };
}
