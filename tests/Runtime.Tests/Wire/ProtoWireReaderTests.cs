using LeNetOnnx.Runtime.Wire;

namespace LeNetOnnx.Runtime.Tests.Wire;

[TestClass]
public sealed class ProtoWireReaderTests
{
    [TestMethod]
    public void ProtoWireReader_ReadsTagsVarintsAndMessages()
    {
        // field 1 varint 300, field 2 "hi", field 3 message { field 1 varint 1 }, field 4 fixed32, field 5 fixed64
        byte[] bytes = [0x08, 0xAC, 0x02, 0x12, 0x02, (byte)'h', (byte)'i', 0x1A, 0x02, 0x08, 0x01, 0x25, 1, 2, 3, 4, 0x29, 1, 2, 3, 4, 5, 6, 7, 8];
        var reader = new ProtoWireReader(bytes);

        Assert.IsTrue(reader.TryReadTag(out int field, out WireType type));
        Assert.AreEqual((1, WireType.Varint), (field, type));
        Assert.AreEqual(300UL, reader.ReadVarint());
        Assert.IsTrue(reader.TryReadTag(out field, out type));
        Assert.AreEqual((2, WireType.LengthDelimited), (field, type));
        Assert.AreEqual("hi", reader.ReadString());
        Assert.IsTrue(reader.TryReadTag(out field, out _));
        ProtoWireReader message = reader.ReadMessage();
        Assert.IsTrue(message.TryReadTag(out field, out _));
        Assert.AreEqual(1UL, message.ReadVarint());
        Assert.IsFalse(message.TryReadTag(out _, out _));
        Assert.IsTrue(reader.TryReadTag(out _, out type));
        reader.Skip(type);
        Assert.IsTrue(reader.TryReadTag(out _, out type));
        reader.Skip(type);
        Assert.IsFalse(reader.TryReadTag(out _, out _));
    }

    [TestMethod]
    public void ProtoWireReader_ReadsTheLargestVarint()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        var reader = new ProtoWireReader(bytes);
        Assert.AreEqual(ulong.MaxValue, reader.ReadVarint());
    }

    [TestMethod]
    [DataRow(new byte[] { 0x08, 0x80 }, "end inside a varint at byte 1")]
    [DataRow(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "longer than 64 bits")]
    [DataRow(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 }, "longer than 64 bits")]
    [DataRow(new byte[] { 0x12, 0x05, 0x01 }, "declares 5 bytes but its message has only 1 left")]
    [DataRow(new byte[] { 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "declares 4294967295 bytes")]
    [DataRow(new byte[] { 0x25, 0x01, 0x02 }, "end inside a fixed32")]
    [DataRow(new byte[] { 0x29, 0x01 }, "end inside a fixed64")]
    [DataRow(new byte[] { 0x00 }, "field number 0")]
    [DataRow(new byte[] { 0x0B }, "deprecated groups")]
    [DataRow(new byte[] { 0x0E }, "wire type 6 does not exist")]
    public void ProtoWireReader_MalformedBytesThrowInvalidData(byte[] bytes, string message)
    {
        InvalidDataException e = Assert.ThrowsExactly<InvalidDataException>(() =>
        {
            var reader = new ProtoWireReader(bytes);
            while (reader.TryReadTag(out _, out WireType type))
            {
                reader.Skip(type);
            }
        });
        Assert.Contains(message, e.Message);
    }

    [TestMethod]
    public void ProtoWireReader_ErrorsInsideAMessageNameTheAbsoluteOffset()
    {
        // field 1 message of 4 bytes at offset 2: { field 2 declares 9 bytes }
        byte[] bytes = [0x0A, 0x04, 0x08, 0x01, 0x12, 0x09];
        InvalidDataException e = Assert.ThrowsExactly<InvalidDataException>(() =>
        {
            var reader = new ProtoWireReader(bytes);
            reader.TryReadTag(out _, out _);
            ProtoWireReader message = reader.ReadMessage();
            while (message.TryReadTag(out _, out WireType type))
            {
                message.Skip(type);
            }
        });
        Assert.Contains("field at byte 5", e.Message);
    }
}
