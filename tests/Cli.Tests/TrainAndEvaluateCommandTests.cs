using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests;

[TestClass]
public sealed class TrainAndEvaluateCommandTests
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void TrainThenEvaluate_OneEpochExportsAModelWhoseAccuracyEvaluateReproduces()
    {
        RealFashionMnist.Require();
        string model = temporary.File("m.onnx");
        CliRun train = CliRun.Of("train", "--recipe", "d2l", "--epochs", "1", "--threads", "1", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", model);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Output, "epoch 1, loss ");
        foreach (string file in new[] { model, temporary.File("m.md"), temporary.File("m.reference.json"), temporary.File("run/checkpoint.lnck"), temporary.File("run/metrics.jsonl") })
        {
            Assert.IsTrue(File.Exists(file), file);
        }

        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        Assert.AreEqual("classic", classifier.Variant);
        string accuracy = classifier.Metadata["lenet.test_accuracy"];
        StringAssert.Contains(train.Output, $"test accuracy {accuracy}");

        CliRun evaluate = CliRun.Of("evaluate", "--model", model, "--data", DebianFashionMnist);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.Error);
        StringAssert.Contains(evaluate.Output, $"accuracy {accuracy} (10,000 images)");
        StringAssert.Contains(evaluate.Output, "9 Ankle boot");
    }

    [TestMethod]
    public void Train_TrainLimitTrainsOnTheFirstImagesAndSaysSoInTheModel()
    {
        RealFashionMnist.Require();
        string model = temporary.File("m.onnx");
        CliRun train = CliRun.Of("train", "--epochs", "1", "--train-limit", "512", "--threads", "1", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", model);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Output, "first 512 training images");
        Assert.AreEqual(2, LeNetOnnx.Builder.Training.CheckpointFile.Read(temporary.File("run/checkpoint.lnck")).Step, "512 images in batches of 256");
        using LeNetClassifier classifier = LeNetClassifier.Load(model);
        StringAssert.EndsWith(classifier.Metadata["lenet.recipe"], ", first 512 training images");
        StringAssert.Contains(File.ReadAllText(temporary.File("m.md")), "512 training and 10,000 test images");
    }

    [TestMethod]
    public void Train_TrainLimitAboveTheDataSetIsAUsageError()
    {
        RealFashionMnist.Require();
        CliRun.Of("train", "--train-limit", "60001", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")).AssertUsageError("--train-limit 60001 is more than the 60,000 training images");
        Assert.IsEmpty(Directory.GetFileSystemEntries(temporary.Path));
    }
}
