using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Tests.Data;

[TestClass]
public sealed class ImageDataSetTakeTests
{
    private static readonly ImageDataSet Five = new("five", [.. Enumerable.Range(0, 5 * 4).Select(i => (byte)i)], [4, 3, 2, 1, 0], rows: 2, columns: 2, classCount: 10);

    [TestMethod]
    public void ImageDataSet_Take_KeepsTheFirstImagesAndTheirLabels()
    {
        ImageDataSet first = Five.Take(2);
        Assert.AreEqual(2, first.Count);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, first.Images.ToArray());
        CollectionAssert.AreEqual(new byte[] { 4, 3 }, first.Labels.ToArray());
        Assert.AreEqual("five", first.Name);
    }

    [TestMethod]
    public void ImageDataSet_Take_AllOrMoreIsTheSameSetAndNoneIsRefused()
    {
        Assert.AreSame(Five, Five.Take(5));
        Assert.AreSame(Five, Five.Take(60_000));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Five.Take(0));
    }

    [TestMethod]
    public void DataSetSplits_TakeTraining_LimitsTrainingAndKeepsTheTestSplit()
    {
        DataSetSplits splits = DataSetSplits.Create(FashionMnist.Description, "memory", Five, Five);
        DataSetSplits limited = splits.TakeTraining(3);
        Assert.AreEqual(3, limited.Train.Count);
        Assert.AreSame(splits.Test, limited.Test);
        Assert.AreSame(splits, splits.TakeTraining(5));
    }
}
