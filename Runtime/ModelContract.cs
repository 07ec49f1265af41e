using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LeNetOnnx.Runtime;

/// <summary>
/// The interface every LeNetOnnx model shares (input <c>image</c> float32 <c>[N,1,28,28]</c>,
/// outputs <c>logits</c> and <c>probabilities</c> float32 <c>[N,10]</c>, <c>lenet.*</c> metadata),
/// checked against a loaded session. Runtime does not reference Builder, so the names are
/// repeated here; the tests hold the two in step.
/// </summary>
internal static class ModelContract
{
    public const string Version = "1";
    public const string ImageInput = "image";
    public const string LogitsOutput = "logits";
    public const string ProbabilitiesOutput = "probabilities";
    public const string ContractKey = "lenet.contract";
    public const string VariantKey = "lenet.variant";
    public const string LabelsKey = "lenet.labels";

    private static readonly int[] ImageDims = [-1, 1, LeNetClassifier.ImageSize, LeNetClassifier.ImageSize];
    private static readonly int[] ScoreDims = [-1, LeNetClassifier.ClassCount];

    /// <summary>
    /// Checks inputs, outputs and metadata, collecting every problem so one error lists them all.
    /// </summary>
    /// <param name="session">The loaded model.</param>
    /// <param name="model">How messages name the model, e.g. <c>The model '/m/x.onnx'</c>.</param>
    /// <exception cref="LeNetModelException">The model does not follow the contract.</exception>
    public static (string[] Labels, string Variant, FrozenDictionary<string, string> Metadata) Check(InferenceSession session, string model)
    {
        var problems = new List<string>();
        CheckInputs(session.InputMetadata, problems);
        CheckOutput(session.OutputMetadata, LogitsOutput, problems);
        CheckOutput(session.OutputMetadata, ProbabilitiesOutput, problems);

        FrozenDictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap.ToFrozenDictionary(StringComparer.Ordinal);
        CheckContractVersion(metadata, problems);
        string variant = metadata.GetValueOrDefault(VariantKey, "");
        if (string.IsNullOrWhiteSpace(variant))
        {
            problems.Add($"metadata '{VariantKey}': expected the variant name (e.g. \"classic\"); found {Found(metadata, VariantKey)}.");
        }

        string[]? labels = ReadLabels(metadata, problems);
        if (problems.Count > 0)
        {
            throw new LeNetModelException(
                $"{model} does not follow the LeNetOnnx model contract {Version}:{Environment.NewLine}"
                + string.Concat(problems.Select(p => $"  - {p}{Environment.NewLine}"))
                + "Use a model written by 'lenet build' or exported by the LeNetOnnx trainer.");
        }

        return (labels!, variant, metadata);
    }

    private static void CheckInputs(IReadOnlyDictionary<string, NodeMetadata> inputs, List<string> problems)
    {
        string expected = $"exactly one input '{ImageInput}' float32 {FormatDims(ImageDims, symbols: null)}";
        if (inputs.Count != 1 || !inputs.TryGetValue(ImageInput, out NodeMetadata? image))
        {
            problems.Add($"inputs: expected {expected}; found {Describe(inputs)}.");
        }
        else if (!IsFloatTensor(image, ImageDims))
        {
            problems.Add($"inputs: expected {expected}; found {Describe(ImageInput, image)}.");
        }
    }

    private static void CheckOutput(IReadOnlyDictionary<string, NodeMetadata> outputs, string name, List<string> problems)
    {
        string expected = $"float32 {FormatDims(ScoreDims, symbols: null)}";
        if (!outputs.TryGetValue(name, out NodeMetadata? output))
        {
            problems.Add($"output '{name}': expected {expected}; found no such output (outputs: {Describe(outputs)}).");
        }
        else if (!IsFloatTensor(output, ScoreDims))
        {
            problems.Add($"output '{name}': expected {expected}; found {Describe(name, output)}.");
        }
    }

    // -1 in the expected dims is the symbolic batch: it must be symbolic (or unknown) in the model too.
    private static bool IsFloatTensor(NodeMetadata value, int[] dims) =>
        value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR
        && value.ElementDataType == TensorElementType.Float
        && value.Dimensions.AsSpan().SequenceEqual(dims);

    private static void CheckContractVersion(FrozenDictionary<string, string> metadata, List<string> problems)
    {
        if (!metadata.TryGetValue(ContractKey, out string? version))
        {
            problems.Add($"metadata '{ContractKey}': expected \"{Version}\"; found none, so this is not a LeNetOnnx model.");
        }
        else if (version != Version)
        {
            problems.Add($"metadata '{ContractKey}': expected \"{Version}\"; found \"{version}\", a contract this version of LeNetOnnx.Runtime does not know.");
        }
    }

    private static string[]? ReadLabels(FrozenDictionary<string, string> metadata, List<string> problems)
    {
        string expected = $"a JSON array of {LeNetClassifier.ClassCount} distinct, non-empty class names in label order";
        if (!metadata.TryGetValue(LabelsKey, out string? json))
        {
            problems.Add($"metadata '{LabelsKey}': expected {expected}; found none.");
            return null;
        }

        string? problem = null;
        var labels = new string[LeNetClassifier.ClassCount];
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                problem = $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}";
            }
            else if (root.GetArrayLength() != LeNetClassifier.ClassCount)
            {
                problem = $"an array of {root.GetArrayLength()} entries";
            }
            else
            {
                int i = 0;
                foreach (JsonElement entry in root.EnumerateArray())
                {
                    string? label = entry.ValueKind == JsonValueKind.String ? entry.GetString() : null;
                    if (string.IsNullOrWhiteSpace(label))
                    {
                        problem ??= $"entry {i} is {(label is null ? $"a JSON {entry.ValueKind.ToString().ToLowerInvariant()}" : "empty")}";
                    }
                    else if (Array.IndexOf(labels, label, 0, i) is int first and >= 0)
                    {
                        problem ??= $"entries {first} and {i} are both \"{label}\"";
                    }

                    labels[i++] = label ?? "";
                }
            }
        }
        catch (JsonException e)
        {
            problem = $"text that is not JSON ({e.Message})";
        }

        if (problem is not null)
        {
            problems.Add($"metadata '{LabelsKey}': expected {expected}; found {problem}: {Shorten(json)}.");
            return null;
        }

        return labels;
    }

    private static string Found(FrozenDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? value) ? $"\"{Shorten(value)}\"" : "none";

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Select(v => Describe(v.Key, v.Value)));

    private static string Describe(string name, NodeMetadata value) =>
        value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR
            ? $"'{name}' {ElementTypeName(value.ElementDataType)} {FormatDims(value.Dimensions, value.SymbolicDimensions)}"
            : $"'{name}' {value.OnnxValueType}";

    private static string FormatDims(int[] dims, string[]? symbols) =>
        "[" + string.Join(",", dims.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : Symbol(symbols, i))) + "]";

    private static string Symbol(string[]? symbols, int axis) =>
        symbols is null ? "N" : axis < symbols.Length && symbols[axis].Length > 0 ? symbols[axis] : "?";

    // ONNX spells element types by width; ONNX Runtime's enum says Float and Double.
    private static string ElementTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "...");
}
