namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// LeCun, Cortes and Burges' MNIST handwritten digits: 60,000 training and 10,000 test images,
/// 28×28 grey, 10 classes (the digits 0–9). The same file names and format as Fashion-MNIST, so
/// one directory holds one of the two; the content checksums tell them apart.
/// </summary>
public static class Mnist
{
    /// <summary>The digits as class names: label <c>i</c> is the digit <c>i</c>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>
    /// The files, mirrors and checksums.
    /// </summary>
    /// <remarks>
    /// <para>The MD5s are torchvision's (<c>torchvision/datasets/mnist.py</c>, <c>MNIST.resources</c>).</para>
    /// <para>Mirrors: PyTorch's own copy (torchvision's working mirror; the original
    /// yann.lecun.com/exdb/mnist/ now answers 403/404 and PyTorch dropped it, pytorch/pytorch#164238),
    /// then the CVDF copy on Google Cloud Storage that TensorFlow and JAX examples download from.</para>
    /// <para>The content SHA-256s of the decompressed IDX files are the values several independent
    /// projects pin (not published by the authors, and not re-derived here: no MNIST files exist on
    /// the build machines).</para>
    /// </remarks>
    public static DataSetDescription Description { get; } = new()
    {
        Name = "MNIST",
        TrainImages = new DataSetFile
        {
            FileName = "train-images-idx3-ubyte.gz",
            Published = Checksum.Md5("f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ContentSha256 = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        },
        TrainLabels = new DataSetFile
        {
            FileName = "train-labels-idx1-ubyte.gz",
            Published = Checksum.Md5("d53e105ee54ea40749a09fcbcd1e9432"),
            ContentSha256 = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        },
        TestImages = new DataSetFile
        {
            FileName = "t10k-images-idx3-ubyte.gz",
            Published = Checksum.Md5("9fb629c4189551a2d022fa330f9573f3"),
            ContentSha256 = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        },
        TestLabels = new DataSetFile
        {
            FileName = "t10k-labels-idx1-ubyte.gz",
            Published = Checksum.Md5("ec29112dd5afa0611ce80d1b7f02629c"),
            ContentSha256 = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
        Mirrors =
        [
            new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        ],
        ClassNames = ClassNames,
    };
}
