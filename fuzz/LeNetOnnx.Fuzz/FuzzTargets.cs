using LeNetOnnx.Fuzz.Targets;

namespace LeNetOnnx.Fuzz;

/// <summary>Every target by name, in the order a full pass runs them.</summary>
public static class FuzzTargets
{
    /// <summary>The names, as the command line takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["idx-images", "idx-labels", "idx-image-reader", "checkpoint", "model-import", "model"];

    /// <summary>Creates the target <paramref name="name"/>; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">No target has that name.</exception>
    public static IFuzzTarget Create(string name, SeedCorpus seeds) => name switch
    {
        "idx-images" => new IdxImagesTarget(seeds),
        "idx-labels" => new IdxLabelsTarget(seeds),
        "idx-image-reader" => new IdxImageReaderTarget(seeds),
        "checkpoint" => new CheckpointTarget(seeds),
        "model-import" => new ModelImportTarget(seeds),
        "model" => new RuntimeModelTarget(seeds),
        _ => throw new ArgumentException($"No fuzz target '{name}'; the targets are {string.Join(", ", Names)}.", nameof(name)),
    };
}
