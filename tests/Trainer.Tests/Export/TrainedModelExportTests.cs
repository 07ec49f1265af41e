using LeNetOnnx.Runtime;
using System.Text.Json;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Engine;
using LeNetOnnx.Trainer.Export;
using LeNetOnnx.Trainer.Loop;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Trainer.Tests.Export;

[TestClass]
public sealed class TrainedModelExportTests
{
    [TestMethod]
    [DataRow("mnist")]
    [DataRow("idx")]
    public void TrainedModelExport_ADigitModelIsLabelledWithItsDataSetsClasses(string dataSet)
    {
        DataSetDescription description = dataSet == "mnist"
            ? Mnist.Description
            : Mnist.Description with { Name = "IDX data set 'letters'", ClassNames = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] };
        DataSetSplits data = DataSetSplits.Create(description, "generated", Images("train", 96), Images("test", 32));
        TrainingRecipe recipe = Recipes.D2l with { DataSet = dataSet, Epochs = 1, BatchSize = 32 };
        using var dir = new TemporaryDirectory();
        TrainingOutcome outcome = new TrainingRun(recipe, data, new TrainingRunOptions { RunDirectory = dir.File("run"), Device = ExecutionDevice.Cpu, Threads = 1 }).Run();

        TrainedModelExport.Write(dir.File("m.onnx"), recipe, outcome, data, "lenet train", TimeSpan.FromSeconds(1));

        using var session = new InferenceSession(dir.File("m.onnx"));
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        CollectionAssert.AreEqual(description.ClassNames.ToArray(), JsonSerializer.Deserialize<string[]>(metadata[LeNetContract.Keys.Labels]));
        Assert.AreEqual(description.Name, metadata["lenet.data_set"]);
        CollectionAssert.AreEqual(description.ClassNames.ToArray(), outcome.TestConfusion!.Labels.ToArray(), "the confusion matrix and plots name the data set's classes");
        string card = File.ReadAllText(dir.File("m.md"));
        StringAssert.Contains(card, $"| 9 {description.ClassNames[9]} ");
        Assert.DoesNotContain("T-shirt", card);
    }

    private static ImageDataSet Images(string name, int count)
    {
        var random = new Random(count);
        byte[] pixels = new byte[count * 784];
        random.NextBytes(pixels);
        return new ImageDataSet(name, pixels, [.. Enumerable.Range(0, count).Select(i => (byte)(i % 10))], 28, 28, 10);
    }
}
