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
        RequireFashionMnist();
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
    [DataRow("--recipe", "lenet-zoo", "lenet-zoo")]
    [DataRow("--epochs", "0", "epochs")]
    [DataRow("--batch-size", "-3", "batch size")]
    [DataRow("--lr", "-1", "learning rate")]
    [DataRow("--device", "tpu", "tpu")]
    [DataRow("--device", "cuda", "-p:OnnxRuntimeFlavor=Gpu")]
    [DataRow("--optimizer", "lion", "lion")]
    [DataRow("--train-limit", "0", "training images")]
    public void Train_RejectsBadOptionsBeforeTraining(string option, string value, string mentions)
    {
        CliRun.Of("train", option, value, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")).AssertUsageError(mentions);
        Assert.IsEmpty(Directory.GetFileSystemEntries(temporary.Path));
    }

    [TestMethod]
    public void Train_TrainLimitTrainsOnTheFirstImagesAndSaysSoInTheModel()
    {
        RequireFashionMnist();
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
        RequireFashionMnist();
        CliRun.Of("train", "--train-limit", "60001", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")).AssertUsageError("--train-limit 60001 is more than the 60,000 training images");
        Assert.IsEmpty(Directory.GetFileSystemEntries(temporary.Path));
    }

    [TestMethod]
    public void Train_ResumeWithoutACheckpointSaysSo()
    {
        RequireFashionMnist();
        CliRun.Of("train", "--resume", "--data", DebianFashionMnist, "--run-dir", temporary.File("run"), "-o", temporary.File("m.onnx")).AssertUsageError("does not exist");
    }

    [TestMethod]
    public void Evaluate_MissingCorruptOrForeignModelsAreUsageErrors()
    {
        CliRun.Of("evaluate", "--model", temporary.File("missing.onnx")).AssertUsageError("does not exist");
        File.WriteAllBytes(temporary.File("corrupt.onnx"), LeNet5.Build(LeNetVariants.Classic).ToOnnxBytes()[..5000]);
        CliRun.Of("evaluate", "--model", temporary.File("corrupt.onnx")).AssertUsageError("cannot be used");
        File.WriteAllText(temporary.File("text.onnx"), "not a model");
        CliRun.Of("evaluate", "--model", temporary.File("text.onnx")).AssertUsageError("cannot be used");
    }

    private static void RequireFashionMnist()
    {
        if (File.Exists(Path.Combine(DebianFashionMnist, "t10k-images-idx3-ubyte.gz")))
        {
            return;
        }

        string message = $"Fashion-MNIST is not installed in {DebianFashionMnist} (apt-get install dataset-fashion-mnist).";
        Prerequisite.Missing(message);
    }
}
