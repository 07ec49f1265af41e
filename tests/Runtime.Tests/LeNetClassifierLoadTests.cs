using Google.Protobuf;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Onnx.Protos;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Runtime.Tests;

[TestClass]
public sealed class LeNetClassifierLoadTests
{
    [TestMethod]
    public void LeNetClassifier_ReadsLabelsVariantAndMetadata()
    {
        using LeNetClassifier classifier = LeNetClassifier.FromBytes(TestModels.Variant("tanh-max"));

        CollectionAssert.AreEqual(FashionMnistClasses.Names.ToArray(), classifier.Labels.ToArray());
        Assert.AreEqual("tanh-max", classifier.Variant);
        Assert.AreEqual("1", classifier.Metadata[LeNetContract.Keys.Contract]);
        Assert.AreEqual("1", classifier.Metadata[LeNetContract.Keys.Seed]);
        Assert.AreEqual("44426", classifier.Metadata[LeNetContract.Keys.Parameters]);
    }

    [TestMethod]
    public void LeNetClassifier_LabelsComeFromTheModelNotFromACompiledList()
    {
        string[] digits = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
        byte[] model = TestModels.WithMetadata(LeNetContract.Keys.Labels, System.Text.Json.JsonSerializer.Serialize(digits));

        using LeNetClassifier classifier = LeNetClassifier.FromBytes(model);

        CollectionAssert.AreEqual(digits, classifier.Labels.ToArray());
        Prediction prediction = classifier.Classify(TestModels.Images(1, seed: 1));
        Assert.AreEqual(digits[prediction.Label], prediction.LabelName);
    }

    [TestMethod]
    public void LeNetClassifier_LoadFromAFileEqualsFromBytes()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classic.onnx");
        File.WriteAllBytes(path, TestModels.Classic);
        float[] images = TestModels.Images(3, seed: 9);

        using LeNetClassifier fromFile = LeNetClassifier.Load(path);
        using LeNetClassifier fromBytes = LeNetClassifier.FromBytes(TestModels.Classic);

        CollectionAssert.AreEqual(
            LeNetClassifierClassifyTests.Classify(fromBytes, images).Logits,
            LeNetClassifierClassifyTests.Classify(fromFile, images).Logits);
        Assert.AreEqual("classic", fromFile.Variant);
    }

    [TestMethod]
    public void LeNetClassifier_LoadMissingFileThrowsFileNotFoundWithThePath()
    {
        using var directory = new TemporaryDirectory();
        string missing = directory.File("missing.onnx");
        FileNotFoundException e = Assert.ThrowsExactly<FileNotFoundException>(() => LeNetClassifier.Load(missing));
        Assert.Contains(missing, e.Message);

        string inMissingFolder = directory.File(Path.Combine("no-such-folder", "model.onnx"));
        e = Assert.ThrowsExactly<FileNotFoundException>(() => LeNetClassifier.Load(inMissingFolder));
        Assert.Contains(inMissingFolder, e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_EmptyModelIsRefused()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("empty.onnx");
        File.WriteAllBytes(path, []);

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
        Assert.Contains("empty", Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes([])).Message);
    }

    [TestMethod]
    public void LeNetClassifier_OversizedModelIsRefusedBeforeLoading()
    {
        var options = new LeNetClassifierOptions { MaxModelBytes = 100_000 };
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(TestModels.Classic, options));
        Assert.Contains("100,000", e.Message);
        Assert.Contains(TestModels.Classic.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Contains("MaxModelBytes", e.Message);

        using var directory = new TemporaryDirectory();
        string path = directory.File("classic.onnx");
        File.WriteAllBytes(path, TestModels.Classic);
        e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.Load(path, options));
        Assert.Contains(path, e.Message);
        Assert.Contains("MaxModelBytes", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_CorruptBytesBecomeAModelException()
    {
        var random = new Random(1998);
        for (int trial = 0; trial < 20; trial++)
        {
            byte[] noise = new byte[random.Next(1, 5000)];
            random.NextBytes(noise);
            LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(noise), $"trial {trial}");
            Assert.StartsWith("The model", e.Message);
        }
    }

    [TestMethod]
    public void LeNetClassifier_OrtLoadErrorIsWrappedWithItsMessage()
    {
        // Well-formed protobuf that ONNX Runtime refuses: an operator that does not exist.
        byte[] model = TestModels.Edit(TestModels.Classic, m => m.Graph.Node[0].OpType = "NoSuchOperator");

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model));

        Assert.Contains("ONNX Runtime", e.Message);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
        Assert.Contains(e.InnerException!.Message, e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_WeightsOfAnotherShapeAreRefusedAtLoadNotAtTheFirstCall()
    {
        // Found by fuzzing (fuzz/LeNetOnnx.Fuzz, target "model"): a corrupt c1.weight shape keeps
        // the declared inputs and outputs, so the model loaded and every Predict then threw
        // ONNX Runtime's OnnxRuntimeException, which Classify does not document.
        byte[] model = TestModels.Edit(TestModels.Classic, m =>
        {
            TensorProto weight = m.Graph.Initializer.First(t => t.Name == "c1.weight");
            weight.Dims[3] = 1;
            weight.RawData = ByteString.CopyFrom(weight.RawData.Span[..(6 * 5 * sizeof(float))]);
        });

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model));

        Assert.Contains("fails to run on blank images", e.Message);
        Assert.IsInstanceOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    [TestMethod]
    public void LeNetClassifier_AMetadataKeyWithANulIsRefusedBeforeOnnxRuntimeSeesIt()
    {
        // Found by fuzzing (target "model", both the seeded fuzzer and AFL++): ONNX Runtime cuts
        // the key at the NUL, finds no value for the cut key, and its ModelMetadata threw
        // NullReferenceException out of Load.
        byte[] model = TestModels.Edit(TestModels.Classic, m => m.MetadataProps.First(e => e.Key == "lenet.labels").Key = "lenet\u0010\u0003\0\0els");

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model));

        Assert.Contains("NUL", e.Message);
        Assert.Contains("lenet\u0010\u0003\\0\\0els", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_TruncatedModelIsRefused()
    {
        byte[] model = TestModels.Classic;
        foreach (int length in new[] { model.Length / 2, model.Length - 1, 3 })
        {
            LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model.AsSpan(0, length)), $"length {length}");
            Assert.Contains("truncated", e.Message);
            Assert.IsInstanceOfType<InvalidDataException>(e.InnerException);
        }
    }

    [TestMethod]
    public void LeNetClassifier_ForeignModelIsRefusedNamingWhatWasFound()
    {
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(TestModels.Foreign()));

        Assert.Contains("expected exactly one input 'image' float32 [N,1,28,28]; found 'x' float32 [N,3]", e.Message);
        Assert.Contains("output 'logits': expected float32 [N,10]; found no such output (outputs: 'y' float32 [N,3])", e.Message);
        Assert.Contains("output 'probabilities'", e.Message);
        Assert.Contains("'lenet.contract': expected \"1\"; found none", e.Message);
        Assert.Contains("'lenet.labels'", e.Message);
        Assert.Contains("'lenet.variant'", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_WrongInputTypeOrShapeIsRefused()
    {
        var batchShape = new TensorShape(Dim.Named("N"), 1, 28, 28);
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() =>
            LeNetClassifier.FromBytes(TestModels.WithInput(ElementType.Double, batchShape, "logits", "probabilities")));
        Assert.Contains("found 'image' float64 [N,1,28,28]", e.Message);

        e = Assert.ThrowsExactly<LeNetModelException>(() =>
            LeNetClassifier.FromBytes(TestModels.WithInput(ElementType.Float, new TensorShape(1, 1, 28, 28), "logits", "probabilities")));
        Assert.Contains("found 'image' float32 [1,1,28,28]", e.Message);
        Assert.Contains("output 'logits': expected float32 [N,10]; found 'logits' float32 [1,1,28,28]", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_MissingOutputIsRefused()
    {
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() =>
            LeNetClassifier.FromBytes(TestModels.WithInput(ElementType.Float, new TensorShape(Dim.Named("N"), 1, 28, 28), "scores")));

        Assert.Contains("output 'logits': expected float32 [N,10]; found no such output (outputs: 'scores' float32 [N,1,28,28])", e.Message);
        Assert.Contains("output 'probabilities'", e.Message);
        Assert.DoesNotContain("lenet.labels", e.Message, "the metadata is valid");
    }

    [TestMethod]
    [DataRow(null, "found none")]
    [DataRow("not json", "text that is not JSON")]
    [DataRow("{\"a\": 1}", "a JSON object")]
    [DataRow("[\"a\",\"b\"]", "an array of 2 entries")]
    [DataRow("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",7]", "entry 9 is a JSON number")]
    [DataRow("[\"a\",\"b\",\"c\",\"d\",\"\",\"f\",\"g\",\"h\",\"i\",\"j\"]", "entry 4 is empty")]
    [DataRow("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"a\"]", "entries 0 and 9 are both \"a\"")]
    public void LeNetClassifier_MissingOrBadLabelsAreRefused(string? labels, string found)
    {
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() =>
            LeNetClassifier.FromBytes(TestModels.WithMetadata(LeNetContract.Keys.Labels, labels)));

        Assert.Contains("metadata 'lenet.labels': expected a JSON array of 10 distinct, non-empty class names", e.Message);
        Assert.Contains(found, e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_OtherContractVersionOrNoVariantIsRefused()
    {
        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() =>
            LeNetClassifier.FromBytes(TestModels.WithMetadata(LeNetContract.Keys.Contract, "2")));
        Assert.Contains("'lenet.contract': expected \"1\"; found \"2\"", e.Message);

        e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(TestModels.WithMetadata(LeNetContract.Keys.Variant, null)));
        Assert.Contains("'lenet.variant': expected the variant name", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_ExternalDataInitializerIsRefused()
    {
        byte[] model = TestModels.Edit(TestModels.Classic, m =>
        {
            TensorProto weight = m.Graph.Initializer.First(t => t.Name == "c1.weight");
            weight.DataLocation = TensorProto.Types.DataLocation.External;
            weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "c1.weight.bin" });
            weight.RawData = Google.Protobuf.ByteString.Empty;
        });

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model));

        Assert.Contains("'c1.weight'", e.Message);
        Assert.Contains("external data", e.Message);
        Assert.Contains("save_as_external_data=False", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_ExternalDataInAConstantNodeIsRefused()
    {
        byte[] model = TestModels.Edit(TestModels.Classic, m =>
        {
            var constant = new NodeProto { OpType = "Constant", Name = "sneaky" };
            constant.Output.Add("sneaky_value");
            constant.Attribute.Add(new AttributeProto
            {
                Name = "value",
                Type = AttributeProto.Types.AttributeType.Tensor,
                T = TestModels.ExternalTensor("sneaky_value"),
            });
            m.Graph.Node.Insert(0, constant);
        });

        LeNetModelException e = Assert.ThrowsExactly<LeNetModelException>(() => LeNetClassifier.FromBytes(model));
        Assert.Contains("'sneaky_value'", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_InvalidOptionsAreRefusedNamingTheOption()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() =>
            LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { IntraOpThreads = -1 }));
        Assert.AreEqual("options", e.ParamName);
        Assert.Contains("IntraOpThreads is -1", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() => LeNetClassifier.Load("any.onnx", new LeNetClassifierOptions { MaxModelBytes = 0 }));
        Assert.Contains("MaxModelBytes is 0", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() =>
            LeNetClassifier.FromBytes(TestModels.Classic, new LeNetClassifierOptions { GraphOptimizationLevel = (Microsoft.ML.OnnxRuntime.GraphOptimizationLevel)42 }));
        Assert.Contains("GraphOptimizationLevel is 42", e.Message);
    }

    [TestMethod]
    public void LeNetClassifier_ContractNamesMatchTheBuilders()
    {
        // Runtime repeats the contract instead of referencing Builder; this keeps the copies in step.
        object[] builder =
        [
            LeNetContract.ImageInput, LeNetContract.LogitsOutput, LeNetContract.ProbabilitiesOutput, LeNetContract.Version,
            LeNetContract.Keys.Contract, LeNetContract.Keys.Variant, LeNetContract.Keys.Labels, LeNetContract.ImageSize, LeNetContract.ClassCount,
        ];
        object[] runtime =
        [
            ModelContract.ImageInput, ModelContract.LogitsOutput, ModelContract.ProbabilitiesOutput, ModelContract.Version,
            ModelContract.ContractKey, ModelContract.VariantKey, ModelContract.LabelsKey, LeNetClassifier.ImageSize, LeNetClassifier.ClassCount,
        ];
        CollectionAssert.AreEqual(builder, runtime);
    }
}
