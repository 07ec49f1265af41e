using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetOnnx.Builder.IO;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// The checkpoint file format, version 1 (documented in the README; <c>tools/read_checkpoint.py</c>
/// reads it):
/// <code>
/// bytes 0..7    magic "LENETCKP"
/// bytes 8..11   format version, uint32 little-endian (1)
/// bytes 12..15  header length H, uint32 little-endian
/// bytes 16..    header: H bytes of UTF-8 JSON (variant, opset, seed, step, epoch, optimizer,
///               properties, tensors: name, kind, shape, offset and count into the data)
/// then          data: the tensors as little-endian float32, in header order
/// last 32 bytes SHA-256 of everything before them
/// </code>
/// </summary>
public static class CheckpointFile
{
    /// <summary>The format version written.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest checkpoint read (a LeNet-5 with Adam state is under 1 MB).</summary>
    public const long MaxBytes = 256L << 20;

    private const int PrefixLength = 16;
    private const int DigestLength = 32;
    private static readonly byte[] Magic = "LENETCKP"u8.ToArray();

    /// <summary>Serializes a checkpoint.</summary>
    public static byte[] Serialize(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var tensors = new JsonArray();
        long offset = 0;
        foreach (CheckpointTensor t in checkpoint.Tensors)
        {
            long count = t.Shape.Aggregate(1L, (n, d) => n * d);
            if (count != t.Data.Length)
            {
                throw new ArgumentException($"Checkpoint tensor '{t.Name}' has {t.Data.Length} values but shape [{string.Join(",", t.Shape)}].");
            }

            tensors.Add(new JsonObject
            {
                ["name"] = t.Name,
                ["kind"] = t.Kind == CheckpointTensorKind.Parameter ? "parameter" : "optimizer_state",
                ["shape"] = new JsonArray([.. t.Shape.Select(d => JsonValue.Create(d))]),
                ["offset"] = offset,
                ["count"] = count,
            });
            offset += count * sizeof(float);
        }

        var header = new JsonObject
        {
            ["format"] = "lenet-checkpoint",
            ["variant"] = checkpoint.Variant,
            ["opset"] = checkpoint.Opset,
            ["seed"] = checkpoint.Seed.ToString(CultureInfo.InvariantCulture),
            ["step"] = checkpoint.Step,
            ["epoch"] = checkpoint.Epoch,
            ["optimizer"] = OptimizerJson(checkpoint.Optimizer),
            ["properties"] = new JsonObject([.. checkpoint.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
            ["tensors"] = tensors,
        };
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = new MemoryStream();
        stream.Write(Magic);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, FormatVersion);
        stream.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)headerBytes.Length);
        stream.Write(word);
        stream.Write(headerBytes);
        foreach (CheckpointTensor t in checkpoint.Tensors)
        {
            WriteFloats(stream, t.Data);
        }

        stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        return stream.ToArray();
    }

    /// <summary>Parses and verifies a checkpoint.</summary>
    /// <exception cref="CheckpointFormatException">Not a checkpoint, truncated, corrupt or of another version.</exception>
    public static Checkpoint Deserialize(ReadOnlySpan<byte> bytes, string source = "checkpoint")
    {
        if (bytes.Length < PrefixLength + DigestLength || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new CheckpointFormatException($"{source} is not a LeNetOnnx checkpoint (it does not start with \"LENETCKP\" or is shorter than {PrefixLength + DigestLength} bytes).");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
        {
            throw new CheckpointFormatException($"{source} has checkpoint format version {version}; this build reads version {FormatVersion}.");
        }

        ReadOnlySpan<byte> body = bytes[..^DigestLength];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes[^DigestLength..]))
        {
            throw new CheckpointFormatException($"{source} is corrupt or truncated: its SHA-256 checksum does not match its contents.");
        }

        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (headerLength > body.Length - PrefixLength)
        {
            throw new CheckpointFormatException($"{source}: the header length {headerLength} runs past the end of the file.");
        }

        try
        {
            JsonNode header = JsonNode.Parse(body.Slice(PrefixLength, (int)headerLength).ToArray()) ?? throw new CheckpointFormatException($"{source}: the header is empty.");
            return FromHeader(header, body[(PrefixLength + (int)headerLength)..], source);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException or OverflowException)
        {
            throw new CheckpointFormatException($"{source}: the header is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes a checkpoint atomically (temporary file, flush, rename).</summary>
    public static void Write(string path, Checkpoint checkpoint) => AtomicFile.WriteAllBytes(path, Serialize(checkpoint));

    /// <summary>Reads and verifies a checkpoint file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid checkpoint.</exception>
    public static Checkpoint Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The checkpoint '{path}' does not exist.", path);
        }

        if (info.Length > MaxBytes)
        {
            throw new CheckpointFormatException($"{path} has {info.Length:N0} bytes, more than a checkpoint may ({MaxBytes:N0}).");
        }

        return Deserialize(File.ReadAllBytes(path), path);
    }

    private static Checkpoint FromHeader(JsonNode header, ReadOnlySpan<byte> data, string source)
    {
        if ((string?)header["format"] != "lenet-checkpoint")
        {
            throw new CheckpointFormatException($"{source}: the header does not say format \"lenet-checkpoint\".");
        }

        var tensors = new List<CheckpointTensor>();
        foreach (JsonNode? node in header["tensors"]!.AsArray())
        {
            string name = (string)node!["name"]!;
            long offset = (long)node["offset"]!;
            long count = (long)node["count"]!;
            long[] shape = node["shape"]!.AsArray().Select(d => (long)d!).ToArray();
            if (shape.Any(d => d < 0) || shape.Aggregate(1L, (n, d) => checked(n * d)) != count || offset < 0 || count < 0 || offset + (count * sizeof(float)) > data.Length)
            {
                throw new CheckpointFormatException($"{source}: tensor '{name}' (shape [{string.Join(",", shape)}], offset {offset}, count {count}) does not fit the {data.Length} bytes of data.");
            }

            CheckpointTensorKind kind = (string?)node["kind"] switch
            {
                "parameter" => CheckpointTensorKind.Parameter,
                "optimizer_state" => CheckpointTensorKind.OptimizerState,
                var other => throw new CheckpointFormatException($"{source}: tensor '{name}' has unknown kind '{other}'."),
            };
            tensors.Add(new CheckpointTensor(name, kind, shape, ReadFloats(data.Slice((int)offset, (int)count * sizeof(float)))));
        }

        return new Checkpoint
        {
            Variant = (string)header["variant"]!,
            Opset = (int)header["opset"]!,
            Seed = ulong.Parse((string)header["seed"]!, CultureInfo.InvariantCulture),
            Step = (long)header["step"]!,
            Epoch = (int)header["epoch"]!,
            Optimizer = OptimizerFromJson(header["optimizer"]!, source),
            Properties = header["properties"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!),
            Tensors = tensors,
        };
    }

    private static JsonObject OptimizerJson(OptimizerOptions o) => new()
    {
        ["name"] = o.Name,
        ["lr"] = o.LearningRate,
        ["momentum"] = o.Momentum,
        ["dampening"] = o.Dampening,
        ["nesterov"] = o.Nesterov,
        ["weight_decay"] = o.WeightDecay,
        ["betas"] = new JsonArray(o.Beta1, o.Beta2),
        ["eps"] = o.Epsilon,
    };

    private static OptimizerOptions OptimizerFromJson(JsonNode node, string source)
    {
        try
        {
            return new OptimizerOptions
            {
                Kind = OptimizerOptions.ParseKind((string)node["name"]!),
                LearningRate = (double)node["lr"]!,
                Momentum = (double)node["momentum"]!,
                Dampening = (double)node["dampening"]!,
                Nesterov = (bool)node["nesterov"]!,
                WeightDecay = (double)node["weight_decay"]!,
                Beta1 = (double)node["betas"]![0]!,
                Beta2 = (double)node["betas"]![1]!,
                Epsilon = (double)node["eps"]!,
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"{source}: the optimizer in the header is not valid: {e.Message}", e);
        }
    }

    private static void WriteFloats(Stream stream, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> word = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, v);
            stream.Write(word);
        }
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> bytes)
    {
        float[] values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }
}
