namespace LeNetOnnx.Builder.LeNet;

/// <summary>Which S2 maps feed each C3 map.</summary>
public enum C3Connections
{
    /// <summary>Every C3 map sees all six S2 maps (the modern tutorials).</summary>
    Full,

    /// <summary>The partial connection table of LeCun et al. 1998 (Table I): 60 of the 96 map pairs.</summary>
    Lecun1998,
}

/// <summary>The C3 connection tables as boolean masks <c>[16 C3 maps, 6 S2 maps]</c>.</summary>
public static class C3ConnectionTable
{
    private static readonly int[][] Lecun1998Inputs =
    [
        [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
        [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
        [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
        [0, 1, 2, 3, 4, 5],
    ];

    /// <summary>True when S2 map <paramref name="input"/> feeds C3 map <paramref name="output"/>.</summary>
    public static bool IsConnected(C3Connections table, int output, int input)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(output is >= 0 and < 16, true, nameof(output));
        ArgumentOutOfRangeException.ThrowIfNotEqual(input is >= 0 and < 6, true, nameof(input));
        return table == C3Connections.Full || Array.IndexOf(Lecun1998Inputs[output], input) >= 0;
    }

    /// <summary>The S2 maps feeding C3 map <paramref name="output"/>.</summary>
    public static IReadOnlyList<int> InputsOf(C3Connections table, int output) =>
        Enumerable.Range(0, 6).Where(i => IsConnected(table, output, i)).ToArray();
}
