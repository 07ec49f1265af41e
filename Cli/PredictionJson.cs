using System.Text.Json;

namespace LeNetOnnx.Cli;

/// <summary>
/// How a prediction reads in JSON, the same for <c>lenet predict --json</c> and <c>lenet serve</c>:
/// the best class as <c>label</c>, <c>index</c> and <c>probability</c>, and the <c>top</c> list of
/// the most probable classes, each with the same three fields.
/// </summary>
internal static class PredictionJson
{
    /// <summary>Classes in <c>top</c> when the caller does not say.</summary>
    public const int DefaultTop = 3;

    /// <summary>Writes <c>label</c>, <c>index</c> and <c>probability</c> of class <paramref name="best"/> into the open object.</summary>
    public static void WriteBest(Utf8JsonWriter writer, IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, int best)
    {
        writer.WriteString("label", labels[best]);
        writer.WriteNumber("index", best);
        writer.WriteNumber("probability", probabilities[best]);
    }

    /// <summary>Writes <c>top</c>, the classes of <paramref name="ranked"/> in that order, into the open object.</summary>
    public static void WriteTop(Utf8JsonWriter writer, IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, ReadOnlySpan<int> ranked)
    {
        writer.WriteStartArray("top");
        foreach (int index in ranked)
        {
            writer.WriteStartObject();
            WriteBest(writer, labels, probabilities, index);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
