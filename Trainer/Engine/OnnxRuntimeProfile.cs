using System.Text.Json;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>One row of a profile: an operator type or a node, its kernel time and share.</summary>
/// <param name="Name">Op type or node name.</param>
/// <param name="OpType">The op type.</param>
/// <param name="Calls">Kernel runs counted.</param>
/// <param name="Microseconds">Total kernel time.</param>
/// <param name="Share">Fraction of all kernel time in the profile.</param>
public sealed record ProfileRow(string Name, string OpType, long Calls, long Microseconds, double Share);

/// <summary>
/// Reads ONNX Runtime's profiler output (Chrome trace JSON written when
/// <c>SessionOptions.EnableProfiling</c> is on) and totals the kernel time per op type and per node.
/// </summary>
public static class OnnxRuntimeProfile
{
    /// <summary>Kernel time per op type and per node, largest first, over one or more profile files.</summary>
    public static (IReadOnlyList<ProfileRow> ByOpType, IReadOnlyList<ProfileRow> ByNode) Summarize(IEnumerable<string> files)
    {
        var nodes = new Dictionary<string, (string OpType, long Calls, long Microseconds)>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            using JsonDocument trace = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (JsonElement e in trace.RootElement.EnumerateArray())
            {
                if (e.TryGetProperty("cat", out JsonElement cat) && cat.GetString() == "Node"
                    && e.GetProperty("name").GetString() is { } name && name.EndsWith("_kernel_time", StringComparison.Ordinal)
                    && e.TryGetProperty("args", out JsonElement args) && args.TryGetProperty("op_name", out JsonElement op))
                {
                    string node = name[..^"_kernel_time".Length];
                    nodes.TryGetValue(node, out var total);
                    nodes[node] = (op.GetString() ?? "?", total.Calls + 1, total.Microseconds + e.GetProperty("dur").GetInt64());
                }
            }
        }

        double all = Math.Max(1, nodes.Values.Sum(v => v.Microseconds));
        ProfileRow[] byNode = nodes.Select(n => new ProfileRow(n.Key, n.Value.OpType, n.Value.Calls, n.Value.Microseconds, n.Value.Microseconds / all))
            .OrderByDescending(r => r.Microseconds).ToArray();
        ProfileRow[] byOp = byNode.GroupBy(r => r.OpType)
            .Select(g => new ProfileRow(g.Key, g.Key, g.Sum(r => r.Calls), g.Sum(r => r.Microseconds), g.Sum(r => r.Microseconds) / all))
            .OrderByDescending(r => r.Microseconds).ToArray();
        return (byOp, byNode);
    }
}
