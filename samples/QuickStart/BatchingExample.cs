using LeNetOnnx.Runtime;

namespace LeNetOnnx.QuickStart;

/// <summary>Runtime/README.md's example of many concurrent single-image callers, as code the build compiles.</summary>
internal static class BatchingExample
{
    /// <summary>One caller's image through a batching front over <paramref name="classifier"/>.</summary>
    public static async Task<Prediction> ClassifyAsync(LeNetClassifier classifier, byte[] pixels, CancellationToken cancellationToken)
    {
        await using var batching = new BatchingClassifier(classifier);
        Prediction p = await batching.ClassifyAsync(pixels, cancellationToken);
        return p;
    }
}
