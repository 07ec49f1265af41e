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
    public void DigitsTrainPredictEvaluate_ADigitModelSpeaksOfDigits()
    {
        // A package of 30 images per digit (each digit a bright bar in its own rows), converted,
        // trained on as --dataset idx, then classified and evaluated.
        string digits = temporary.Subdirectory("mnist/src/digits");
        for (int d = 0; d < 10; d++)
        {
            IEnumerable<string> values = Enumerable.Range(0, 30 * 784).Select(i => (i % 784) / 28 / 2 == d + 2 ? "0.8" : "0");
            File.WriteAllText(Path.Combine(digits, $"{d}.json"), $"{{\"data\":[{string.Join(',', values)}]}}");
        }

        CliRun convert = CliRun.Of("digits", "--from", temporary.File("mnist"), "--output", temporary.File("digits"));
        Assert.AreEqual(0, convert.ExitCode, convert.Error);
        StringAssert.Contains(convert.Output, "240 training and 60 test images");
        string model = temporary.File("d.onnx");
        CliRun train = CliRun.Of("train", "--recipe", "keras", "--dataset", "idx", "--data", temporary.File("digits"), "--epochs", "3", "--threads", "1", "--run-dir", temporary.File("run"), "-o", model);
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Output, "  7 7 ");

        CliRun predict = CliRun.Of("predict", "--model", model, temporary.File("digits/t10k-images-idx3-ubyte.gz") + ":7");
        Assert.AreEqual(0, predict.ExitCode, predict.Error);
        StringAssert.Contains(predict.Output, ":7: 7 (");
        CliRun evaluate = CliRun.Of("evaluate", "--model", model, "--dataset", "idx", "--data", temporary.File("digits"));
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.Error);
        StringAssert.Contains(evaluate.Output, "accuracy 1.0000 (60 images)");
        CliRun.Of("evaluate", "--model", model, "--data", DebianFashionMnist).AssertUsageError("classifies into '0', '1', '2', '3'");
    }

    [TestMethod]
    public void Train_MnistTutorialPrintsItsRunningLossEvery200Batches()
    {
        RealFashionMnist.Require();
        CliRun train = CliRun.Of("train", "--recipe", "mnist-tutorial", "--epochs", "1", "--train-limit", "25600", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx"));
        Assert.AreEqual(0, train.ExitCode, train.Error);
        string[] running = [.. train.Output.Split('\n').Where(l => l.StartsWith('['))];
        Assert.HasCount(2, running, train.Output);
        StringAssert.StartsWith(running[0], "[1,   200] loss: 2.3");
        StringAssert.StartsWith(running[1], "[1,   400] loss: ");
        StringAssert.Contains(train.Output, "cross-entropy of the softmax output");
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
        CliRun.Of("train", "--train-limit", "60001", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")).AssertUsageError("the first 60,001 training images, but Fashion-MNIST has 60,000");
        Assert.IsEmpty(Directory.GetFileSystemEntries(temporary.Path));
    }
}
