namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Everything needed to find, download and check an MNIST-style data set: its four IDX files,
/// where they are published, where a system may already hold them, and the image shape.
/// </summary>
/// <example>
/// A test or a private mirror changes only what differs:
/// <code>
/// DataSetDescription local = FashionMnist.Description with { Mirrors = [new Uri("http://127.0.0.1:8080/")] };
/// </code>
/// </example>
public sealed record DataSetDescription
{
    /// <summary>The data set's name as users know it, e.g. <c>Fashion-MNIST</c>.</summary>
    public required string Name
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>The training images (IDX magic 2051).</summary>
    public required DataSetFile TrainImages { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); }

    /// <summary>The training labels (IDX magic 2049).</summary>
    public required DataSetFile TrainLabels { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); }

    /// <summary>The test images.</summary>
    public required DataSetFile TestImages { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); }

    /// <summary>The test labels.</summary>
    public required DataSetFile TestLabels { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); }

    /// <summary>
    /// Base URLs that serve the files under their published names, tried in order. A missing
    /// trailing slash is added, so a base URL never loses its last path segment.
    /// </summary>
    /// <exception cref="ArgumentException">A URL is not absolute http or https.</exception>
    public required IReadOnlyList<Uri> Mirrors
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var mirrors = new Uri[value.Count];
            for (int i = 0; i < mirrors.Length; i++)
            {
                Uri mirror = value[i];
                if (mirror is null || !mirror.IsAbsoluteUri || (mirror.Scheme != Uri.UriSchemeHttp && mirror.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException($"A mirror is an absolute http or https base URL; got '{mirror}'.", nameof(value));
                }

                mirrors[i] = mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");
            }

            field = mirrors;
        }
    }

    /// <summary>Directories a system package installs the files into, searched after the user's own.</summary>
    public IReadOnlyList<string> SystemDirectories { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); } = [];

    /// <summary>Image height in pixels.</summary>
    public int ImageRows { get; init => field = Positive(value); } = 28;

    /// <summary>Image width in pixels.</summary>
    public int ImageColumns { get; init => field = Positive(value); } = 28;

    /// <summary>
    /// The class names in label order: label <c>i</c> is <c>ClassNames[i]</c>. They travel with
    /// what is trained on the data set (the model's metadata, its card, the reports and plots).
    /// </summary>
    /// <exception cref="ArgumentException">No names, more than 256 (labels are bytes), an empty or repeated name.</exception>
    public required IReadOnlyList<string> ClassNames { get; init => field = CheckClassNames(value); }

    /// <summary>Number of classes; labels lie in 0 .. ClassCount−1.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The four files: training images and labels, then test images and labels.</summary>
    public IReadOnlyList<DataSetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    private static string[] CheckClassNames(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count is < 1 or > 256)
        {
            throw new ArgumentException($"A data set has 1 to 256 classes (labels are bytes); got {names.Count} names.", nameof(names));
        }

        string[] copy = [.. names];
        if (Array.FindIndex(copy, string.IsNullOrWhiteSpace) is int blank and >= 0)
        {
            throw new ArgumentException($"Class {blank} has no name.", nameof(names));
        }

        if (copy.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"The class name '{repeated.Key}' is given twice.", nameof(names));
        }

        return copy;
    }

    private static int Positive(int value) => value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be positive.");
}
