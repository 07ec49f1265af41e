using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Tests.Wire;

[TestClass]
public sealed class ProtoWireWriterTests
{
    [TestMethod]
    public void ProtoWireWriter_WritesWhatProtoWireReaderReads()
    {
        var inner = new ProtoWireWriter();
        inner.WriteVarintField(1, 1);
        var writer = new ProtoWireWriter();
        writer.WriteVarintField(1, 300);
        writer.WriteVarintField(2, -1);
        writer.WriteStringField(3, "héllo");
        writer.WriteMessage(4, inner);
        byte[] bytes = writer.WrittenSpan.ToArray();

        var reader = new ProtoWireReader(bytes);
        Assert.IsTrue(reader.TryReadTag(out int field, out WireType type));
        Assert.AreEqual((1, WireType.Varint, 300UL), (field, type, reader.ReadVarint()));
        Assert.IsTrue(reader.TryReadTag(out field, out type));
        Assert.AreEqual((2, WireType.Varint, ulong.MaxValue), (field, type, reader.ReadVarint()));
        Assert.IsTrue(reader.TryReadTag(out field, out type));
        Assert.AreEqual((3, WireType.LengthDelimited, "héllo"), (field, type, reader.ReadString()));
        Assert.IsTrue(reader.TryReadTag(out field, out _));
        ProtoWireReader message = reader.ReadMessage();
        Assert.IsTrue(message.TryReadTag(out int innerField, out _));
        Assert.AreEqual((1, 1UL), (innerField, message.ReadVarint()));
        Assert.IsTrue(message.AtEnd);
        Assert.IsTrue(reader.AtEnd);
        Assert.AreEqual(bytes.Length, reader.Offset);
    }

    [TestMethod]
    public void ProtoWireWriter_CopiesRawFieldsVerbatim()
    {
        byte[] field = [0x08, 0xAC, 0x02];
        var writer = new ProtoWireWriter();
        writer.WriteRaw(field);
        CollectionAssert.AreEqual(field, writer.WrittenSpan.ToArray());
    }
}
