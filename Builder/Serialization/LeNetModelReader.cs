using Google.Protobuf;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;

namespace LeNetOnnx.Builder.Serialization;

/// <summary>The weights of a LeNetOnnx inference model, read back to start training from them.</summary>
/// <param name="Variant">The variant named in the model's metadata.</param>
/// <param name="Seed">The seed in the metadata (0 when absent).</param>
/// <param name="Weights">Every parameter's values, by name.</param>
/// <param name="Labels">The class names of its metadata (<c>lenet.labels</c>); null when absent or unreadable.</param>
public sealed record ImportedModel(LeNetOptions Variant, ulong Seed, IReadOnlyDictionary<string, float[]> Weights, IReadOnlyList<string>? Labels = null);

/// <summary>
/// Reads an ONNX file made by LeNetOnnx (<c>lenet build</c>, an export of <c>lenet train</c>) and
/// checks it: parses, names a known variant, and holds every parameter of that variant with the
/// right shape, finite values, inline data, and the C3 table's zeros.
/// </summary>
public static class LeNetModelReader
{
    /// <summary>The largest model read; a LeNet-5 is about 250 KB.</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="ModelImportException">The file is missing, corrupt, foreign, or its weights do not fit.</exception>
    public static ImportedModel Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelImportException($"The model '{path}' does not exist.");
        }

        if (info.Length > MaxBytes)
        {
            throw new ModelImportException($"'{path}' has {info.Length:N0} bytes; a LeNet-5 model has about 250 KB (limit {MaxBytes:N0}).");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses and checks model bytes; <paramref name="source"/> names them in errors.</summary>
    public static ImportedModel Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelImportException($"'{source}' is not a valid ONNX model (truncated or corrupt): {e.Message}", e);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new ModelImportException($"'{source}' is not an ONNX model: it has no graph.");
        }

        string? variantName = model.MetadataProps.FirstOrDefault(p => p.Key == LeNetContract.Keys.Variant)?.Value;
        if (variantName is null)
        {
            throw new ModelImportException($"'{source}' is not a LeNetOnnx model: it has no '{LeNetContract.Keys.Variant}' metadata. Use a model made by 'lenet build' or 'lenet train'.");
        }

        if (!LeNetVariants.TryGet(variantName, out LeNetOptions variant))
        {
            throw new ModelImportException($"'{source}' names the variant '{variantName}', which this build does not know ({string.Join(", ", LeNetVariants.Names)}).");
        }

        ulong seed = ulong.TryParse(model.MetadataProps.FirstOrDefault(p => p.Key == LeNetContract.Keys.Seed)?.Value, out ulong s) ? s : 0;
        LeNetModel reference = LeNet5.Build(variant);
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto tensor in model.Graph.Initializer)
        {
            initializers[tensor.Name] = tensor;
        }

        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (Ir.Value parameter in reference.Graph.Parameters)
        {
            if (!initializers.TryGetValue(parameter.Name, out TensorProto? tensor))
            {
                throw new ModelImportException($"'{source}' ({variantName}) has no initializer '{parameter.Name}'.");
            }

            weights[parameter.Name] = ReadFloats(tensor, parameter.Data!.Dims, source);
        }

        CheckConnectionTable(variant, weights, source);
        return new ImportedModel(variant, seed, weights, ReadLabels(model.MetadataProps.FirstOrDefault(p => p.Key == LeNetContract.Keys.Labels)?.Value));
    }

    private static string[]? ReadLabels(string? json)
    {
        try
        {
            return json is null ? null : System.Text.Json.JsonSerializer.Deserialize<string[]>(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static float[] ReadFloats(TensorProto tensor, IReadOnlyList<long> dims, string source)
    {
        string where = $"'{source}': initializer '{tensor.Name}'";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw new ModelImportException($"{where} uses external data, which LeNet models never need and this reader refuses.");
        }

        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new ModelImportException($"{where} has data type {tensor.DataType}; expected float32 (1).");
        }

        if (!tensor.Dims.SequenceEqual(dims))
        {
            throw new ModelImportException($"{where} has shape [{string.Join(",", tensor.Dims)}]; expected [{string.Join(",", dims)}].");
        }

        long count = dims.Aggregate(1L, (n, d) => n * d);
        float[] values;
        if (tensor.RawData.Length > 0)
        {
            if (tensor.RawData.Length != count * sizeof(float))
            {
                throw new ModelImportException($"{where} has {tensor.RawData.Length} bytes of data; its shape needs {count * sizeof(float)}.");
            }

            values = new float[count];
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
            }
        }
        else if (tensor.FloatData.Count == count)
        {
            values = [.. tensor.FloatData];
        }
        else
        {
            throw new ModelImportException($"{where} has {tensor.FloatData.Count} values; its shape needs {count}.");
        }

        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return bad < 0 ? values : throw new ModelImportException($"{where} holds a non-finite value ({values[bad]}) at index {bad}.");
    }

    private static void CheckConnectionTable(LeNetOptions variant, Dictionary<string, float[]> weights, string source)
    {
        if (variant.C3Connections == C3Connections.Full)
        {
            return;
        }

        float[] c3 = weights["c3.weight"];
        for (int o = 0; o < 16; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                if (!C3ConnectionTable.IsConnected(variant.C3Connections, o, i) && c3.AsSpan(((o * 6) + i) * 25, 25).ContainsAnyExcept(0f))
                {
                    throw new ModelImportException($"'{source}': c3.weight has non-zero weights from S2 map {i} to C3 map {o}, outside the 1998 connection table.");
                }
            }
        }
    }
}
