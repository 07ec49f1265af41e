using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

/// <summary>The real files from Debian's dataset-fashion-mnist (inconclusive where absent, failing under CI).</summary>
[TestClass]
public sealed class FashionMnistFilesTests
{
    [TestMethod]
    public void FashionMnist_DebianFiles_Load60000TrainingAnd10000TestImages()
    {
        string directory = RealFashionMnist.RequireDirectory();

        DataSetSplits data = DataSetSplits.Load(FashionMnist.Description, directory);

        Assert.AreEqual(60_000, data.Train.Count);
        Assert.AreEqual(10_000, data.Test.Count);
        Assert.AreEqual(60_000 * 784, data.Train.Images.Length);
        Assert.AreEqual(28, data.Test.Rows);
        Assert.AreEqual(28, data.Test.Columns);

        // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
        CollectionAssert.AreEqual(Enumerable.Repeat(6_000, 10).ToArray(), CountPerClass(data.Train));
        CollectionAssert.AreEqual(Enumerable.Repeat(1_000, 10).ToArray(), CountPerClass(data.Test));
    }

    [TestMethod]
    public void FashionMnist_DebianFiles_HoldThePublishedContents()
    {
        string directory = RealFashionMnist.RequireDirectory();

        DataSetSplits data = DataSetSplits.Load(FashionMnist.Description, directory);

        SourceFile[] sources = [data.Train.ImagesSource!, data.Train.LabelsSource!, data.Test.ImagesSource!, data.Test.LabelsSource!];
        CollectionAssert.AreEqual(FashionMnist.Description.Files.Select(f => f.ContentSha256).ToArray(), sources.Select(s => s.ContentSha256).ToArray());
        CollectionAssert.AreEqual(FashionMnist.Description.Files.Select(f => Path.Combine(directory, f.FileName)).ToArray(), sources.Select(s => s.Path).ToArray());
        foreach (SourceFile source in sources)
        {
            Assert.IsTrue(source.Compressed);
            Assert.AreEqual(IdxTestFiles.Sha256(File.ReadAllBytes(source.Path)), source.Sha256);
        }
    }

    [TestMethod]
    public void FashionMnist_Description_CarriesTheReadmeChecksumsAndMirrors()
    {
        // From the "Get the Data" table of github.com/zalandoresearch/fashion-mnist/README.md.
        CollectionAssert.AreEqual(
            new[]
            {
                "train-images-idx3-ubyte.gz MD5 8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                "train-labels-idx1-ubyte.gz MD5 25c81989df183df01b3e8a0aad5dffbe",
                "t10k-images-idx3-ubyte.gz MD5 bef4ecab320f06d8554ea6380940ec79",
                "t10k-labels-idx1-ubyte.gz MD5 bb300cfdad3c16e7a12a480ee83cd310",
            },
            FashionMnist.Description.Files.Select(f => $"{f.FileName} {f.Published}").ToArray());
        Assert.AreEqual(new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), FashionMnist.Description.Mirrors[0]);
        CollectionAssert.AreEqual(new[] { "/usr/share/datasets/fashion-mnist" }, FashionMnist.Description.SystemDirectories.ToArray());
    }

    [TestMethod]
    public void Mnist_Description_CarriesTorchvisionsChecksumsAndTheMirrorsItDownloadsFrom()
    {
        CollectionAssert.AreEqual(
            new[]
            {
                "train-images-idx3-ubyte.gz MD5 f68b3c2dcbeaaa9fbdd348bbdeb94873",
                "train-labels-idx1-ubyte.gz MD5 d53e105ee54ea40749a09fcbcd1e9432",
                "t10k-images-idx3-ubyte.gz MD5 9fb629c4189551a2d022fa330f9573f3",
                "t10k-labels-idx1-ubyte.gz MD5 ec29112dd5afa0611ce80d1b7f02629c",
            },
            Mnist.Description.Files.Select(f => $"{f.FileName} {f.Published}").ToArray());
        CollectionAssert.AreEqual(
            new[] { new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/") },
            Mnist.Description.Mirrors.ToArray());
        Assert.IsEmpty(Mnist.Description.SystemDirectories);
    }

    private static int[] CountPerClass(ImageDataSet data)
    {
        int[] counts = new int[data.ClassCount];
        foreach (byte label in data.Labels.Span)
        {
            counts[label]++;
        }

        return counts;
    }
}
