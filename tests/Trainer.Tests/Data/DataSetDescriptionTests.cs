using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class DataSetDescriptionTests
{
    [TestMethod]
    public void DataSetDescription_MirrorWithoutTrailingSlash_KeepsItsLastSegment()
    {
        DataSetDescription description = FashionMnist.Description with { Mirrors = [new Uri("https://example.org/datasets/fashion")] };

        Assert.AreEqual(new Uri("https://example.org/datasets/fashion/"), description.Mirrors[0]);
        Assert.AreEqual("https://example.org/datasets/fashion/train-images-idx3-ubyte.gz", new Uri(description.Mirrors[0], "train-images-idx3-ubyte.gz").AbsoluteUri);
    }

    [TestMethod]
    public void DataSetDescription_NonHttpMirror_IsRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => FashionMnist.Description with { Mirrors = [new Uri("file:///tmp/")] });
        Assert.ThrowsExactly<ArgumentException>(() => FashionMnist.Description with { Mirrors = [new Uri("relative/", UriKind.Relative)] });
    }

    [TestMethod]
    public void DataSetFile_NameWithDirectories_IsRefused()
    {
        foreach (string name in new[] { "../x.gz", "a/b.gz", "a\\b.gz", "..", " " })
        {
            Assert.ThrowsExactly<ArgumentException>(() => new DataSetFile { FileName = name, Published = Checksum.Md5(new string('0', 32)) }, name);
        }
    }

    [TestMethod]
    public void DataSetFile_RawFileName_DropsGz()
    {
        Assert.AreEqual("t10k-labels-idx1-ubyte", FashionMnist.Description.TestLabels.RawFileName);
        Assert.AreEqual("plain", new DataSetFile { FileName = "plain", Published = Checksum.Md5(new string('a', 32)) }.RawFileName);
    }

    [TestMethod]
    public void Checksum_Hex_IsValidatedAndLowercased()
    {
        Assert.AreEqual("abcdef0123456789abcdef0123456789", Checksum.Md5("ABCDEF0123456789abcdef0123456789").Hex);
        Assert.ThrowsExactly<ArgumentException>(() => Checksum.Md5("abc"));
        Assert.ThrowsExactly<ArgumentException>(() => Checksum.Sha256(new string('g', 64)));
        Assert.ThrowsExactly<ArgumentException>(() => Checksum.Sha256(new string('a', 32)));
    }

    [TestMethod]
    public void Checksum_Matches_KnownDigests()
    {
        byte[] abc = "abc"u8.ToArray();
        Assert.IsTrue(Checksum.Md5("900150983cd24fb0d6963f7d28e17f72").Matches(abc));
        Assert.IsTrue(Checksum.Sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").Matches(abc));
        Assert.IsFalse(Checksum.Md5("900150983cd24fb0d6963f7d28e17f73").Matches(abc));
        Assert.AreEqual("SHA-256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksum.Sha256Of(abc).ToString());
    }
}
