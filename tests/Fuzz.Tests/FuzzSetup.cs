using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Fuzz.Tests;

/// <summary>One seed corpus for the test run; ONNX Runtime's per-input warnings kept out of the test log.</summary>
[TestClass]
public sealed class FuzzSetup
{
    public static SeedCorpus Seeds { get; private set; } = null!;

    [AssemblyInitialize]
    public static void CreateSeeds(TestContext context)
    {
        _ = context;
        var environment = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "fuzz-tests" };
        OrtEnv.CreateInstanceWithOptions(ref environment);
        Seeds = new SeedCorpus(SeedCorpus.FindCommittedModel(AppContext.BaseDirectory));
    }
}
