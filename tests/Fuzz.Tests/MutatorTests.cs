using LeNetOnnx.Fuzz.Mutation;

namespace LeNetOnnx.Fuzz.Tests;

[TestClass]
public sealed class MutatorTests
{
    [TestMethod]
    public void Mutator_TheSameSeedGivesTheSameInputs()
    {
        byte[] input = FuzzSetup.Seeds.RawLabels;
        byte[][] first = Inputs(new Mutator(42, 1024), input, 200);
        byte[][] again = Inputs(new Mutator(42, 1024), input, 200);
        byte[][] other = Inputs(new Mutator(43, 1024), input, 200);

        for (int i = 0; i < first.Length; i++)
        {
            CollectionAssert.AreEqual(first[i], again[i], $"input {i}");
        }

        Assert.IsTrue(first.Zip(other).Any(p => !p.First.SequenceEqual(p.Second)));
    }

    [TestMethod]
    public void Mutator_ChangesInputsAndKeepsThemWithinTheLengthLimit()
    {
        byte[] input = FuzzSetup.Seeds.RawImages;
        byte[][] inputs = Inputs(new Mutator(7, input.Length + 100), input, 500);

        Assert.IsTrue(inputs.All(m => m.Length <= input.Length + 100));
        Assert.IsGreaterThan(450, inputs.Count(m => !m.SequenceEqual(input)));
        Assert.IsTrue(inputs.Any(m => m.Length < input.Length), "some are cut");
        Assert.IsTrue(inputs.Any(m => m.Length > input.Length), "some grow");
    }

    [TestMethod]
    public void WireFieldScan_FindsValuesAndLengthPrefixesInNestedMessages()
    {
        // field 1 = 150; field 2 = { field 1 = 1 }
        byte[] message = [0x08, 0x96, 0x01, 0x12, 0x02, 0x08, 0x01];

        List<WireField> fields = WireFieldScan.Find(message);

        CollectionAssert.AreEqual(
            new[] { new WireField(1, 2, 150, IsLength: false), new WireField(4, 1, 2, IsLength: true), new WireField(6, 1, 1, IsLength: false) },
            fields);
        CollectionAssert.AreEqual(new byte[] { 0x96, 0x01 }, WireFieldScan.EncodeVarint(150));
    }

    [TestMethod]
    public void WireFieldScan_FindsNothingInBytesThatAreNotProtobuf()
    {
        Assert.IsEmpty(WireFieldScan.Find(FuzzSetup.Seeds.Checkpoints[2]));
        Assert.IsEmpty(WireFieldScan.Find(FuzzSetup.Seeds.RawImages));
    }

    [TestMethod]
    public void WireFieldScan_FindsTheTensorDimsOfAModel()
    {
        byte[] model = FuzzSetup.Seeds.Models[^1];

        List<WireField> fields = WireFieldScan.Find(model);

        Assert.IsGreaterThan(100, fields.Count);
        Assert.IsTrue(fields.Any(f => !f.IsLength && f.Value == 120), "the dims of c5 (120 maps) are among the values");
    }

    private static byte[][] Inputs(Mutator mutator, byte[] input, int count) =>
        Enumerable.Range(0, count).Select(_ => mutator.Mutate(input, [input])).ToArray();
}
