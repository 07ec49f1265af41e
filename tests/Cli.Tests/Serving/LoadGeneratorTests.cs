using System.Diagnostics;
using System.Text.Json;
using LeNetOnnx.Tests;
using LeNetOnnx.LoadGenerator;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>The load generator's own rules: where it may send load, and how it reads latencies.</summary>
[TestClass]
public sealed class LoadGeneratorTests
{
    [TestMethod]
    [DataRow("http://127.0.0.1:5000")]
    [DataRow("http://127.8.9.10:5000")]
    [DataRow("http://localhost:5000")]
    [DataRow("http://[::1]:5000")]
    public void LoadOptions_LoopbackServer_IsAccepted(string server) =>
        new LoadOptions { Server = new Uri(server) }.Validate();

    [TestMethod]
    [DataRow("http://10.0.0.1:5000", "not a loopback address")]
    [DataRow("http://192.168.1.1:5000", "not a loopback address")]
    [DataRow("http://example.com:5000", "not a loopback address")]
    [DataRow("https://127.0.0.1:5000", "not http://HOST:PORT")]
    [DataRow("http://127.0.0.1:5000/v1", "not http://HOST:PORT")]
    public void LoadOptions_OtherServer_IsRefusedBeforeAnyRequest(string server, string message)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => new LoadOptions { Server = new Uri(server) }.Validate());
        StringAssert.Contains(e.Message, message);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(4097)]
    public void LoadOptions_ConnectionsOutOfRange_AreRefused(int connections) =>
        Assert.ThrowsExactly<ArgumentException>(() => new LoadOptions { Server = new Uri("http://127.0.0.1:5000"), Connections = connections }.Validate());

    [TestMethod]
    public void ImagePool_RawAndJsonBodies_CarryTheSameImagesAndLabels()
    {
        string model = RepositoryRoot.Combine("models", "lenet-classic.onnx");
        RealFashionMnist.Require();
        string testImages = RealFashionMnist.TestImagesFile;

        ImagePool raw = ImagePool.Load(testImages, model, 20, BodyFormat.Raw);
        ImagePool json = ImagePool.Load(testImages, model, 20);

        Assert.AreEqual("application/octet-stream", raw.ContentType);
        Assert.AreEqual("application/json", json.ContentType);
        CollectionAssert.AreEqual(json.Labels.ToArray(), raw.Labels.ToArray());
        for (int i = 0; i < 20; i++)
        {
            Assert.HasCount(784, raw.Bodies[i]);
            using JsonDocument document = JsonDocument.Parse(json.Bodies[i]);
            byte[] pixels = [.. document.RootElement.GetProperty("pixels").EnumerateArray().Select(p => p.GetByte())];
            CollectionAssert.AreEqual(pixels, raw.Bodies[i], $"image {i}");
        }
    }

    [TestMethod]
    public void LatencySummary_OneToHundredMilliseconds_IsNearestRank()
    {
        List<long> ticks = [.. Enumerable.Range(1, 100).Reverse().Select(ms => ms * Stopwatch.Frequency / 1000)];

        LatencySummary summary = LatencySummary.Of(ticks);

        Assert.AreEqual(50, summary.P50.TotalMilliseconds, 0.01);
        Assert.AreEqual(90, summary.P90.TotalMilliseconds, 0.01);
        Assert.AreEqual(99, summary.P99.TotalMilliseconds, 0.01);
        Assert.AreEqual(100, summary.Max.TotalMilliseconds, 0.01);
        Assert.AreEqual(default, LatencySummary.Of([]));
    }

    [TestMethod]
    public async Task RssSampler_OwnProcess_ReadsVmRssOverTime()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("/proc is Linux only.");
        }

        RssSampler sampler = new(Environment.ProcessId, TimeSpan.FromMilliseconds(20));
        await Task.Delay(200);
        await sampler.DisposeAsync();

        IReadOnlyList<RssSample> samples = sampler.Samples;
        Assert.IsGreaterThanOrEqualTo(3, samples.Count);
        Assert.IsTrue(samples.All(s => s.Bytes > 10 * 1024 * 1024), "a .NET process holds more than 10 MiB");
        long working = Environment.WorkingSet;
        Assert.IsTrue(Math.Abs(samples[^1].Bytes - working) < working / 2, $"VmRSS {samples[^1].Bytes:N0} vs Environment.WorkingSet {working:N0}");
        Assert.ThrowsExactly<IOException>(() => new RssSampler(int.MaxValue, TimeSpan.FromSeconds(1)));
    }
}
