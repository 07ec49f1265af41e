namespace LeNetOnnx.Trainer.Data;

/// <summary>A data set's training and test splits, loaded from one directory and identified by their checksums.</summary>
public sealed class DataSetSplits
{
    private DataSetSplits(DataSetDescription description, string directory, ImageDataSet train, ImageDataSet test)
    {
        Description = description;
        Directory = directory;
        Train = train;
        Test = test;
    }

    /// <summary>What was loaded.</summary>
    public DataSetDescription Description { get; }

    /// <summary>The directory the four files were read from.</summary>
    public string Directory { get; }

    /// <summary>The training split.</summary>
    public ImageDataSet Train { get; }

    /// <summary>The test split.</summary>
    public ImageDataSet Test { get; }

    /// <summary>Splits already in memory (a subset, generated data); <paramref name="directory"/> only names their origin.</summary>
    public static DataSetSplits Create(DataSetDescription description, string directory, ImageDataSet train, ImageDataSet test)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        return new DataSetSplits(description, directory, train, test);
    }

    /// <summary>These splits with only the first <paramref name="count"/> training images; the test split is kept whole.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public DataSetSplits TakeTraining(int count)
    {
        ImageDataSet train = Train.Take(count);
        return ReferenceEquals(train, Train) ? this : new DataSetSplits(Description, Directory, train, Test);
    }

    /// <summary>
    /// Loads the four files of <paramref name="description"/> from <paramref name="directory"/>
    /// (each as .gz or raw), validates them and, where the description knows them, checks their
    /// contents against the expected SHA-256s.
    /// </summary>
    /// <exception cref="DataSetException">A file is missing, malformed, or holds other data (for example MNIST where Fashion-MNIST was asked for).</exception>
    public static DataSetSplits Load(DataSetDescription description, string directory)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullDirectory = Path.GetFullPath(directory);
        ImageDataSet train = LoadSplit(description, fullDirectory, "train", description.TrainImages, description.TrainLabels);
        ImageDataSet test = LoadSplit(description, fullDirectory, "test", description.TestImages, description.TestLabels);
        return new DataSetSplits(description, fullDirectory, train, test);
    }

    private static ImageDataSet LoadSplit(DataSetDescription description, string directory, string split, DataSetFile imagesFile, DataSetFile labelsFile)
    {
        ImageDataSet data = ImageDataSet.Load(
            $"{description.Name} {split}",
            Resolve(directory, imagesFile),
            Resolve(directory, labelsFile),
            description.ImageRows,
            description.ImageColumns,
            description.ClassCount);
        CheckContent(description, imagesFile, data.ImagesSource!);
        CheckContent(description, labelsFile, data.LabelsSource!);
        return data;
    }

    private static string Resolve(string directory, DataSetFile file) =>
        DataSetLocator.ResolveFile(directory, file)
        ?? throw new DataSetException($"{file.FileName}: not found in '{directory}' (looked for {file.FileName} and {file.RawFileName}).");

    private static void CheckContent(DataSetDescription description, DataSetFile file, SourceFile source)
    {
        if (file.ContentSha256 is { } expected && !string.Equals(expected, source.ContentSha256, StringComparison.Ordinal))
        {
            throw new DataSetException(
                $"{Path.GetFileName(source.Path)}: its IDX contents have SHA-256 {source.ContentSha256}, but {description.Name}'s {file.RawFileName} has {expected}. "
                + $"The file is corrupt or belongs to another data set (MNIST and Fashion-MNIST use the same file names); delete it to download it again, or point --data at the right directory.");
        }
    }
}
