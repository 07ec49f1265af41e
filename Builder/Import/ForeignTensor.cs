using System.Buffers.Binary;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// A constant of a foreign model (an initializer or a Constant node's value) as numbers: floats
/// for weights, integers for shapes and pads. Only what a LeNet-5 graph holds is read.
/// </summary>
/// <param name="Dims">The shape.</param>
/// <param name="Floats">The values of a float tensor; null for integer tensors.</param>
/// <param name="Integers">The values of an int64 or int32 tensor; null for float tensors.</param>
internal sealed record ForeignTensor(long[] Dims, float[]? Floats, long[]? Integers)
{
    /// <summary>The element count of <see cref="Dims"/>.</summary>
    public long Count => Dims.Aggregate(1L, (n, d) => n * d);

    /// <summary>The one value of a scalar (or one-element) float tensor; null otherwise.</summary>
    public float? Scalar => Floats is [var value] ? value : null;

    /// <summary>The <paramref name="rows"/> × <paramref name="columns"/> row-major matrix <paramref name="values"/>, transposed.</summary>
    public static float[] Transpose(float[] values, int rows, int columns)
    {
        float[] result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    /// <summary>Reads a tensor's values; <paramref name="where"/> names it in errors.</summary>
    /// <exception cref="ModelImportException">External data, a type other than float or integers, or a size that does not fit the shape.</exception>
    public static ForeignTensor Read(TensorProto tensor, string where)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw new ModelImportException($"{where} stores its data in an external file; export the model with its weights inside (torch.onnx.export does so below 2 GB).");
        }

        long[] dims = [.. tensor.Dims];
        long count = dims.Aggregate(1L, (n, d) => n * d);
        if (dims.Any(d => d < 0) || count > 64L << 20)
        {
            throw new ModelImportException($"{where} has the shape [{string.Join(",", dims)}], which no LeNet-5 tensor has.");
        }

        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Float:
                return new ForeignTensor(dims, Values(raw, sizeof(float), BinaryPrimitives.ReadSingleLittleEndian, tensor.FloatData, count, where), null);
            case TensorProto.Types.DataType.Int64:
                return new ForeignTensor(dims, null, Values(raw, sizeof(long), BinaryPrimitives.ReadInt64LittleEndian, tensor.Int64Data, count, where));
            case TensorProto.Types.DataType.Int32:
                return new ForeignTensor(dims, null, Values(raw, sizeof(int), b => (long)BinaryPrimitives.ReadInt32LittleEndian(b), [.. tensor.Int32Data.Select(v => (long)v)], count, where));
            default:
                throw new ModelImportException($"{where} has data type {tensor.DataType}; a LeNet-5 holds float32 weights and int64 shapes only.");
        }
    }

    private delegate T Decode<T>(ReadOnlySpan<byte> bytes);

    // The values from raw_data (little-endian, size bytes each) when it is set, else from the typed list.
    private static T[] Values<T>(ReadOnlySpan<byte> raw, int size, Decode<T> decode, IReadOnlyList<T> typed, long count, string where)
    {
        if (raw.Length == 0)
        {
            return typed.Count == count ? [.. typed] : throw new ModelImportException($"{where} has {typed.Count} values; its shape needs {count} (truncated or corrupt).");
        }

        if (raw.Length != count * size)
        {
            throw new ModelImportException($"{where} has {raw.Length} bytes of data; its shape needs {count * size} (truncated or corrupt).");
        }

        T[] values = new T[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = decode(raw[(i * size)..]);
        }

        return values;
    }
}
