namespace LeNetOnnx.Builder.Ir;

/// <summary>
/// Hands out unique names: a given name is kept (and a clash is an error), a missing one is
/// made from a hint and a counter (<c>conv_3</c>).
/// </summary>
public sealed class NameAuthority
{
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> counters = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="name"/> exactly; throws when it is already used.</summary>
    public string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!taken.Add(name))
        {
            throw new GraphBuildException($"The name '{name}' is already used in this graph; names must be unique.");
        }

        return name;
    }

    /// <summary>Claims <paramref name="name"/> when given, else a fresh name made from <paramref name="hint"/>.</summary>
    public string ClaimOrMake(string? name, string hint) => name is null ? Make(hint) : Claim(name);

    /// <summary>A fresh name: <paramref name="hint"/> followed by the next free counter.</summary>
    public string Make(string hint)
    {
        counters.TryGetValue(hint, out int next);
        string candidate;
        do
        {
            candidate = $"{hint}_{next++}";
        }
        while (taken.Contains(candidate));

        counters[hint] = next;
        taken.Add(candidate);
        return candidate;
    }

    /// <summary>True when the name has been handed out.</summary>
    public bool IsTaken(string name) => taken.Contains(name);
}
