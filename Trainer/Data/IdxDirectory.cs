using System.Text;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// A data set of one's own in IDX files: a directory holding the four standard file names
/// (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, each gzipped as <c>.gz</c> or raw) and <c>labels.txt</c>, one
/// class name per line in label order. Nothing is downloaded and no checksum is known; the
/// files are validated as they are read (28×28 images, every label below the class count).
/// </summary>
/// <example>
/// <code>
/// DataSetSplits digits = DataSetSplits.Load(IdxDirectory.Describe("data/digits"), "data/digits");
/// </code>
/// </example>
public static class IdxDirectory
{
    /// <summary>The class names file: one name per line, label 0 first.</summary>
    public const string LabelsFileName = "labels.txt";

    /// <summary>The largest <see cref="LabelsFileName"/> read; ten names take a few hundred bytes.</summary>
    public const int MaxLabelsFileBytes = 64 * 1024;

    /// <summary>The longest class name.</summary>
    public const int MaxClassNameLength = 64;

    /// <summary>The description of the IDX data set in <paramref name="directory"/>, its class names read from its <see cref="LabelsFileName"/>.</summary>
    /// <exception cref="DataSetException">The directory or its <see cref="LabelsFileName"/> is missing, or the file does not name exactly <see cref="LeNetContract.ClassCount"/> distinct classes.</exception>
    public static DataSetDescription Describe(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullDirectory = Path.GetFullPath(directory);
        if (!Directory.Exists(fullDirectory))
        {
            throw new DataSetException($"{fullDirectory}: no such directory; --dataset idx reads the four IDX files and {LabelsFileName} from the directory --data names.");
        }

        IReadOnlyList<string> classes = ReadClassNames(Path.Combine(fullDirectory, LabelsFileName));
        DataSetDescription standard = FashionMnist.Description;
        return new DataSetDescription
        {
            Name = $"IDX data set '{Path.GetFileName(fullDirectory.TrimEnd(Path.DirectorySeparatorChar))}'",
            TrainImages = Unpublished(standard.TrainImages),
            TrainLabels = Unpublished(standard.TrainLabels),
            TestImages = Unpublished(standard.TestImages),
            TestLabels = Unpublished(standard.TestLabels),
            Mirrors = [],
            ClassNames = classes,
        };
    }

    /// <summary>
    /// Reads a class names file: UTF-8, one name per line (surrounding spaces trimmed, a final line
    /// break optional), exactly <see cref="LeNetContract.ClassCount"/> distinct names.
    /// </summary>
    /// <exception cref="DataSetException">The file is missing, too large, not UTF-8 text, or its names are not as required.</exception>
    public static IReadOnlyList<string> ReadClassNames(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataSetException($"{path}: missing; an IDX data set names its {LeNetContract.ClassCount} classes in {LabelsFileName}, one per line, label 0 first.");
        }

        if (info.Length > MaxLabelsFileBytes)
        {
            throw new DataSetException($"{path}: {info.Length:N0} bytes is too large for {LeNetContract.ClassCount} class names (limit {MaxLabelsFileBytes:N0}).");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new DataSetException($"{path}: not UTF-8 text; write one class name per line.");
        }

        string[] lines = text.TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToArray();
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count != LeNetContract.ClassCount)
        {
            throw new DataSetException($"{path}: names {count} classes, but LeNet-5 has {LeNetContract.ClassCount} outputs; write exactly {LeNetContract.ClassCount} lines, one class name each, label 0 first.");
        }

        for (int i = 0; i < count; i++)
        {
            string name = lines[i];
            if (name.Length == 0)
            {
                throw new DataSetException($"{path}: line {i + 1} is empty; every class needs a name.");
            }

            if (name.Length > MaxClassNameLength || name.Any(char.IsControl))
            {
                throw new DataSetException($"{path}: line {i + 1} is not a class name (at most {MaxClassNameLength} printable characters).");
            }

            if (Array.IndexOf(lines, name, 0, i) is int first and >= 0)
            {
                throw new DataSetException($"{path}: line {i + 1} repeats the class name '{name}' of line {first + 1}; class names are distinct.");
            }
        }

        return lines[..count];
    }

    /// <summary>A standard IDX file name (MNIST's and Fashion-MNIST's) without their checksums.</summary>
    private static DataSetFile Unpublished(DataSetFile standard) => new() { FileName = standard.FileName };
}
