using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Tests.Wire;

[TestClass]
public sealed class MetadataKeyScanTests
{
    [TestMethod]
    public void MetadataKeyScan_NoVariantHasAKeyWithANul()
    {
        foreach (string variant in LeNetOnnx.Builder.LeNet.LeNetVariants.Names)
        {
            Assert.IsNull(MetadataKeyScan.FindKeyWithNul(TestModels.Variant(variant)), variant);
        }
    }

    [TestMethod]
    public void MetadataKeyScan_FindsTheKeyWithANulAndIgnoresValuesWithOne()
    {
        byte[] valueWithNul = TestModels.Edit(TestModels.Classic, m => m.MetadataProps.Add(new StringStringEntryProto { Key = "note", Value = "a\0b" }));
        byte[] keyWithNul = TestModels.Edit(TestModels.Classic, m => m.MetadataProps.Add(new StringStringEntryProto { Key = "no\0te", Value = "x" }));

        Assert.IsNull(MetadataKeyScan.FindKeyWithNul(valueWithNul));
        Assert.AreEqual("no\0te", MetadataKeyScan.FindKeyWithNul(keyWithNul));
    }

    [TestMethod]
    public void MetadataKeyScan_MalformedBytesRaiseInvalidData()
    {
        byte[] truncated = TestModels.Classic[..^1];

        Assert.ThrowsExactly<InvalidDataException>(() => MetadataKeyScan.FindKeyWithNul(truncated));
    }
}
