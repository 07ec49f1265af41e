using Google.Protobuf;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Builder.Serialization;

namespace LeNetOnnx.Runtime.Tests;

/// <summary>Real models built once per test run with the Builder, and edited copies of them.</summary>
[TestClass]
public sealed class TestModels
{
    private static Dictionary<string, byte[]> variants = [];

    /// <summary>The LeNet metadata of a real model, for hand-built graphs that should fail on I/O only.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ContractMetadata =>
        LeNet5.Build(LeNetVariants.Classic, seed: 1).Metadata;

    public static byte[] Classic => variants[LeNetVariants.Classic.Variant];

    /// <summary>One classifier over <see cref="Classic"/> for the tests that only call it; tests that dispose one make their own.</summary>
    public static LeNetClassifier SharedClassic { get; private set; } = null!;

    [AssemblyInitialize]
    public static void BuildVariants(TestContext context)
    {
        _ = context;
        variants = LeNetVariants.All.ToDictionary(v => v.Variant, v => LeNet5.Build(v, seed: 1).ToOnnxBytes());
        SharedClassic = LeNetClassifier.FromBytes(Classic);
    }

    [AssemblyCleanup]
    public static void DisposeShared() => SharedClassic.Dispose();

    public static byte[] Variant(string name) => variants[name];

    /// <summary>A copy of a model with its protobuf edited.</summary>
    public static byte[] Edit(byte[] model, Action<ModelProto> edit)
    {
        ModelProto proto = ModelProto.Parser.ParseFrom(model);
        edit(proto);
        return proto.ToByteArray();
    }

    /// <summary>A copy of the classic model with one metadata entry replaced, or removed when value is null.</summary>
    public static byte[] WithMetadata(string key, string? value) => Edit(Classic, model =>
    {
        StringStringEntryProto? entry = model.MetadataProps.FirstOrDefault(e => e.Key == key);
        if (entry is not null)
        {
            model.MetadataProps.Remove(entry);
        }

        if (value is not null)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    });

    /// <summary>A model of another task: input x float32 [N,3], output y = Sigmoid(x), no metadata.</summary>
    public static byte[] Foreign()
    {
        var graph = new Graph("foreign");
        Value x = graph.AddInput("x", ElementType.Float, new TensorShape(Dim.Named("N"), 3));
        graph.AddOutput(graph.Sigmoid(x, name: "y"));
        return OnnxModelWriter.ToBytes(graph, new ModelDescription());
    }

    /// <summary>A graph with the contract's metadata and the given input; outputs named as given, shaped like the input.</summary>
    public static byte[] WithInput(ElementType type, TensorShape shape, params string[] outputs)
    {
        var graph = new Graph("almost_lenet");
        Value image = graph.AddInput("image", type, shape);
        foreach (string output in outputs)
        {
            graph.AddOutput(graph.Sigmoid(image, name: output));
        }

        return OnnxModelWriter.ToBytes(graph, new ModelDescription { Metadata = ContractMetadata });
    }

    /// <summary>A tensor whose data would be read from a file next to the model.</summary>
    public static TensorProto ExternalTensor(string name, bool setLocation = true, bool addEntries = true)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        if (setLocation)
        {
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
        }

        if (addEntries)
        {
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });
        }

        return tensor;
    }

    /// <summary>Seeded images as pixel/255, like the IDX files divided by 255.</summary>
    public static float[] Images(int batch, int seed) => LeNetOnnx.Tests.OrtRunner.RandomImages(batch, seed);

    /// <summary>Seeded raw pixels 0..255.</summary>
    public static byte[] Pixels(int batch, int seed)
    {
        byte[] pixels = new byte[batch * LeNetClassifier.PixelsPerImage];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
