using LeNetOnnx.Runtime.DependencyInjection;
using LeNetOnnx.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeNetOnnx.Runtime.Tests.DependencyInjection;

[TestClass]
public sealed class AddLeNetClassifierTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AddLeNetClassifier_ResolvesOneWorkingSingleton()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);
        float[] images = TestModels.Images(4, seed: 31);

        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet => lenet.ModelPath = path));
        await host.StartAsync(TestContext.CancellationToken);
        LeNetClassifier classifier = host.Services.GetRequiredService<LeNetClassifier>();
        using LeNetClassifier expected = LeNetClassifier.FromBytes(TestModels.Classic);

        Assert.AreSame(classifier, host.Services.GetRequiredService<LeNetClassifier>());
        Assert.AreEqual("classic", classifier.Variant);
        CollectionAssert.AreEqual(
            LeNetClassifierClassifyTests.Classify(expected, images).Logits,
            LeNetClassifierClassifyTests.Classify(classifier, images).Logits);
        await host.StopAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_MissingModelFailsStartupWithThePath()
    {
        using var directory = new TemporaryDirectory();
        string missing = directory.File("missing.onnx");

        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet => lenet.ModelPath = missing));

        FileNotFoundException e = await Assert.ThrowsExactlyAsync<FileNotFoundException>(() => host.StartAsync(TestContext.CancellationToken));
        Assert.Contains(missing, e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_CorruptModelFailsStartupWithTheModelError()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("truncated.onnx");
        File.WriteAllBytes(path, TestModels.Classic.AsSpan(0, 1000).ToArray());

        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet => lenet.ModelPath = path));

        LeNetModelException e = await Assert.ThrowsExactlyAsync<LeNetModelException>(() => host.StartAsync(TestContext.CancellationToken));
        Assert.Contains($"The model '{path}'", e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_NoModelPathFailsStartupNamingTheSetting()
    {
        using IHost host = BuildHost(services => services.AddLeNetClassifier());

        OptionsValidationException e = await Assert.ThrowsExactlyAsync<OptionsValidationException>(() => host.StartAsync(TestContext.CancellationToken));
        Assert.Contains("ModelPath is not set", e.Message);
        Assert.Contains("'LeNet:ModelPath'", e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_InvalidOptionsFailStartupListingEachProblem()
    {
        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet =>
        {
            lenet.Classifier = new LeNetClassifierOptions { IntraOpThreads = -1 };
            lenet.Batching = new BatchingOptions { MaxBatchSize = 0 };
        }));

        OptionsValidationException e = await Assert.ThrowsExactlyAsync<OptionsValidationException>(() => host.StartAsync(TestContext.CancellationToken));
        Assert.HasCount(3, e.Failures);
        Assert.Contains("ModelPath is not set", e.Message);
        Assert.Contains("LeNetClassifierOptions.IntraOpThreads is -1", e.Message);
        Assert.Contains("BatchingOptions.MaxBatchSize is 0", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_ResolvesABatchingClassifierWithTheRegisteredOptions()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);
        var batchingOptions = new BatchingOptions { MaxBatchSize = 8, MaxDelay = TimeSpan.Zero, QueueCapacity = 16 };
        byte[] pixels = TestModels.Pixels(1, seed: 77);

        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet =>
        {
            lenet.ModelPath = path;
            lenet.Batching = batchingOptions;
        }));
        await host.StartAsync(TestContext.CancellationToken);
        BatchingClassifier batching = host.Services.GetRequiredService<BatchingClassifier>();
        LeNetClassifier classifier = host.Services.GetRequiredService<LeNetClassifier>();

        Assert.AreSame(batching, host.Services.GetRequiredService<BatchingClassifier>());
        Assert.AreEqual(batchingOptions, batching.Options);
        Prediction batched = await batching.ClassifyAsync(pixels, TestContext.CancellationToken);
        Prediction direct = classifier.Classify(pixels);
        Assert.AreEqual(direct.Label, batched.Label);
        CollectionAssert.AreEqual(direct.Probabilities.ToArray(), batched.Probabilities.ToArray());
        await host.StopAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_HostDisposesTheBatchingFrontThenTheClassifier()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);
        byte[] pixels = TestModels.Pixels(1, seed: 78);

        IHost host = BuildHost(services => services.AddLeNetClassifier(lenet => lenet.ModelPath = path));
        await host.StartAsync(TestContext.CancellationToken);
        BatchingClassifier batching = host.Services.GetRequiredService<BatchingClassifier>();
        LeNetClassifier classifier = host.Services.GetRequiredService<LeNetClassifier>();
        _ = await batching.ClassifyAsync(pixels, TestContext.CancellationToken);
        await host.StopAsync(TestContext.CancellationToken);
        host.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => batching.ClassifyAsync(pixels, TestContext.CancellationToken));
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Predict(pixels));
    }

    [TestMethod]
    public async Task AddLeNetClassifier_ClassifierOptionsFlowThroughToTheLoad()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);

        using IHost host = BuildHost(services => services.AddLeNetClassifier(lenet =>
        {
            lenet.ModelPath = path;
            lenet.Classifier = new LeNetClassifierOptions { MaxModelBytes = 1000 };
        }));

        // Only the registered cap refuses this ~250 KB model.
        LeNetModelException e = await Assert.ThrowsExactlyAsync<LeNetModelException>(() => host.StartAsync(TestContext.CancellationToken));
        Assert.Contains("more than the 1,000 allowed", e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_OptionsBindFromTheLeNetSection()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);

        using IHost host = BuildHost(
            services =>
            {
                services.AddOptions<LeNetClassifierRegistrationOptions>().BindConfiguration(LeNetClassifierRegistrationOptions.SectionName);
                services.AddLeNetClassifier();
            },
            new Dictionary<string, string?>
            {
                ["LeNet:ModelPath"] = path,
                ["LeNet:Classifier:IntraOpThreads"] = "2",
                ["LeNet:Classifier:GraphOptimizationLevel"] = "ORT_DISABLE_ALL",
                ["LeNet:Classifier:BatchSlices"] = "3",
                ["LeNet:Classifier:RewriteFirstLayer"] = "false",
                ["LeNet:Batching:MaxDelay"] = "00:00:00.002",
            });
        await host.StartAsync(TestContext.CancellationToken);

        LeNetClassifierRegistrationOptions bound = host.Services.GetRequiredService<IOptions<LeNetClassifierRegistrationOptions>>().Value;
        Assert.AreEqual(path, bound.ModelPath);
        Assert.AreEqual(new LeNetClassifierOptions { IntraOpThreads = 2, GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL, BatchSlices = 3, RewriteFirstLayer = false }, bound.Classifier);
        Assert.IsFalse(host.Services.GetRequiredService<LeNetClassifier>().FirstLayerRewritten);
        Assert.AreEqual(new BatchingOptions { MaxDelay = TimeSpan.FromMilliseconds(2) }, host.Services.GetRequiredService<BatchingClassifier>().Options);
        Assert.AreEqual(new LeNetClassifierOptions(), LeNetClassifierOptions.Default, "binding must not write into the shared defaults");
        Assert.AreEqual("classic", host.Services.GetRequiredService<LeNetClassifier>().Variant);
        await host.StopAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_LogsTheLoadAtInformation()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);
        var logs = new RecordingLoggerProvider();

        using IHost host = BuildHost(services =>
        {
            services.AddLogging(logging => logging.AddProvider(logs));
            services.AddLeNetClassifier(lenet => lenet.ModelPath = path);
        });
        await host.StartAsync(TestContext.CancellationToken);

        (string category, LogLevel level, string message) = logs.Entries.Single(e => e.Category == typeof(LeNetClassifier).FullName);
        Assert.AreEqual(LogLevel.Information, level, category);
        Assert.StartsWith($"Loaded LeNet model {path}: variant classic, 10 labels, in ", message);
        Assert.EndsWith(" ms", message);
        await host.StopAsync(TestContext.CancellationToken);
    }

    [TestMethod]
    public void AddLeNetClassifier_WithoutAHostLoadsOnFirstResolution()
    {
        var services = new ServiceCollection();
        services.AddLeNetClassifier(lenet => lenet.ModelPath = "/no/such/model.onnx");
        using ServiceProvider provider = services.BuildServiceProvider();

        FileNotFoundException e = Assert.ThrowsExactly<FileNotFoundException>(() => provider.GetRequiredService<LeNetClassifier>());
        Assert.Contains("/no/such/model.onnx", e.Message);
    }

    [TestMethod]
    public async Task AddLeNetClassifier_WithoutAHostResolvesOnDemand()
    {
        using var directory = new TemporaryDirectory();
        string path = ClassicModelIn(directory);
        var services = new ServiceCollection();
        services.AddLeNetClassifier(lenet => lenet.ModelPath = path);

        // BatchingClassifier is only IAsyncDisposable, so the provider must be disposed asynchronously.
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Prediction prediction = await provider.GetRequiredService<BatchingClassifier>().ClassifyAsync(TestModels.Pixels(1, seed: 3), TestContext.CancellationToken);

        Assert.AreEqual("classic", provider.GetRequiredService<LeNetClassifier>().Variant);
        Assert.IsInRange(0, 9, prediction.Label);
    }

    private static string ClassicModelIn(TemporaryDirectory directory)
    {
        string path = directory.File("lenet-classic.onnx");
        File.WriteAllBytes(path, TestModels.Classic);
        return path;
    }

    private static IHost BuildHost(Action<IServiceCollection> register, Dictionary<string, string?>? configuration = null)
    {
        // No defaults: no console logger, no appsettings or environment variables from the test machine.
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        register(builder.Services);
        return builder.Build();
    }

    /// <summary>Keeps every log entry, to check what the registration logs.</summary>
    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly List<(string Category, LogLevel Level, string Message)> entries = [];

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (entries)
                {
                    return [.. entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

        public void Dispose()
        {
        }

        private void Add(string category, LogLevel level, string message)
        {
            lock (entries)
            {
                entries.Add((category, level, message));
            }
        }

        private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Add(category, logLevel, formatter(state, exception));
        }
    }
}
