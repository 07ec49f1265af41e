using System.Globalization;
using System.Text.RegularExpressions;
using LeNetOnnx.LoadGenerator;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>
/// The load proof of issue 8: a real <c>lenet serve</c> process on 127.0.0.1, driven past its
/// capacity by the closed-loop load generator (<c>bench/LoadGenerator</c>) with real test images,
/// then let off again.
/// </summary>
[TestClass]
public sealed partial class ServeLoadTests
{
    // The queue is smaller than the connections, so overload shows as 503s rather than as ever
    // longer waits: 256 connections with one request each can fill it four times over.
    private const int Queue = 64;
    private const int OverloadConnections = 256;
    private const int FewConnections = 4;
    private static readonly TimeSpan Overload = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan OverloadWarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Calm = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Memory is flat when the resident set at the end of the overload is at most 1.5 times what it
    // was 5 s into it, once Kestrel's buffers, the thread pool and the JIT have grown to the load.
    // What stays is GC slack (measured: +8% over the 20 s after warm-up). A leak per request of any
    // of the things in play (a 3 KB pooled image, a request body of 3 KB, a connection's buffers)
    // over the 100,000+ requests of the run would add 300 MiB or more, several times the bound.
    private const double RssGrowthBound = 1.5;

    // Throughput after the overload, with the same few connections as before it, must be at least
    // this share of the throughput before it. The machine is shared (CI runs the other test projects
    // at the same time), so up to three windows are tried. If the machine got busier for longer than
    // that, "before" is no longer a fair measure: a fresh server that was never overloaded is then
    // measured in turn with the overloaded one, window for window, and the overloaded one must reach
    // the share of the fresh one in one of three pairs. A neighbour's load slows both; a server
    // that stays slow fails every pair.
    private const double RecoveryShare = 0.8;
    private const int RecoveryWindows = 3;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Serve_256ConnectionsAboveCapacity_Answers503NotTimeoutsRightLabelsFlatMemoryAndRecovers()
    {
        string model = RepositoryRoot.Combine("models", "lenet-classic.onnx");
        RealFashionMnist.Require();
        string testImages = RealFashionMnist.TestImagesFile;

        ImagePool images = ImagePool.Load(testImages, model, 1000);
        Assert.IsGreaterThan(5, images.Labels.Distinct().Count(), "the images should get many labels, so a mixed-up answer shows");
        await using ServeProcess server = await ServeProcess.StartAsync(model, "--queue", Queue.ToString(CultureInfo.InvariantCulture));
        LoadOptions Phase(int connections, TimeSpan duration) => new()
        {
            Server = server.Url,
            Connections = connections,
            Duration = duration,
            RequestTimeout = RequestTimeout,
            ServerPid = server.Id,
            WarmUp = OverloadWarmUp,
        };

        // Warm-up (JIT, thread pool, connections), then the throughput the overload must not spoil.
        LoadReport warmUp = await ClosedLoopLoad.RunAsync(Phase(FewConnections, TimeSpan.FromSeconds(4)), images);
        Log("warm-up", warmUp);
        LoadReport before = await ClosedLoopLoad.RunAsync(Phase(FewConnections, Calm), images);
        Log("before", before);
        AssertServedEverything(before, "before the overload", server);

        LoadReport overload = await ClosedLoopLoad.RunAsync(Phase(OverloadConnections, Overload), images);
        Log("overload", overload);
        Assert.AreEqual(0, overload.Timeouts, $"requests timed out (after {RequestTimeout.TotalSeconds} s) under overload instead of getting 503: {overload}");
        Assert.AreEqual(0, overload.Errors, $"requests got no answer under overload: {overload}");
        Assert.IsEmpty(overload.OtherStatuses, $"answers other than 200 and 503 under overload: {overload}{Environment.NewLine}{server.Log}");
        Assert.AreEqual(0, overload.WrongLabels, $"200 answers with another image's label: {overload}");
        Assert.IsGreaterThan(0, overload.Overloaded, $"no 503 at {OverloadConnections} connections against a queue of {Queue}: the server was not overloaded: {overload}");
        Assert.AreEqual(0, overload.OverloadedWithoutRetryAfter, $"503s without Retry-After: {overload}");
        Assert.IsGreaterThan(0, overload.Ok, $"no 200 under overload: {overload}");
        long warmRss = overload.RssAt(OverloadWarmUp) ?? throw new AssertFailedException("no RSS sample");
        long endRss = overload.Rss[^1].Bytes;
        Assert.IsLessThanOrEqualTo(RssGrowthBound * warmRss, endRss, $"RSS grew from {warmRss:N0} bytes after warm-up to {endRss:N0} at the end of the overload: {overload}");

        var afterWindows = new List<LoadReport>();
        bool recovered = false;
        for (int window = 0; window < RecoveryWindows && !recovered; window++)
        {
            LoadReport after = await ClosedLoopLoad.RunAsync(Phase(FewConnections, Calm), images);
            afterWindows.Add(after);
            Log($"after, window {window + 1}", after);
            AssertServedEverything(after, "after the overload", server);
            recovered = after.OkPerSecond >= RecoveryShare * before.OkPerSecond;
        }

        string recovery = string.Create(CultureInfo.InvariantCulture, $"{FewConnections} connections got {string.Join(", ", afterWindows.Select(w => $"{w.OkPerSecond:N0}"))} answers/s after the overload, {before.OkPerSecond:N0}/s before it");
        if (!recovered)
        {
            (recovered, string pairs) = await CompareWithFreshServerAsync(model, images, server, Phase, afterWindows);
            recovery += "; " + pairs;
        }

        // The server counted exactly what the clients got: no answer lost, none invented, no 499 (a
        // client that gave up) or 500.
        LoadReport[] all = [warmUp, before, overload, .. afterWindows];
        // The server counts an answer just after writing it: the last few may lag by a moment.
        Dictionary<string, double> served = ClassifyAnswersByStatus(await MetricsAsync(server.Url));
        for (int retry = 0; retry < 10 && served.Values.Sum() < all.Sum(r => r.Requests); retry++)
        {
            await Task.Delay(200);
            served = ClassifyAnswersByStatus(await MetricsAsync(server.Url));
        }

        Console.WriteLine($"server's count of POST /v1/classify answers by status: {string.Join(", ", served.Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.AreEqual(all.Sum(r => r.Ok), served.GetValueOrDefault("200"), "200s counted by the server and by the clients");
        Assert.AreEqual(all.Sum(r => r.Overloaded), served.GetValueOrDefault("503"), "503s counted by the server and by the clients");
        CollectionAssert.IsSubsetOf(served.Keys.ToArray(), new[] { "200", "503" }, "statuses the server answered");

        Console.WriteLine(recovery);
        Assert.IsTrue(recovered, $"the server did not recover its throughput: {recovery}");
        Assert.AreEqual(0, await server.StopAsync(), server.Log);
    }

    /// <summary>
    /// Measures a fresh server (never overloaded) and the overloaded one in turn, window for window,
    /// and says whether the overloaded one reached <see cref="RecoveryShare"/> of the fresh one in
    /// one of the pairs. The overloaded server's windows are added to <paramref name="afterWindows"/>.
    /// </summary>
    private static async Task<(bool Recovered, string Pairs)> CompareWithFreshServerAsync(
        string model, ImagePool images, ServeProcess overloaded, Func<int, TimeSpan, LoadOptions> phase, List<LoadReport> afterWindows)
    {
        await using ServeProcess fresh = await ServeProcess.StartAsync(model, "--queue", Queue.ToString(CultureInfo.InvariantCulture));
        LoadOptions FreshPhase(TimeSpan duration) => phase(FewConnections, duration) with { Server = fresh.Url, ServerPid = fresh.Id };
        Log("fresh server, warm-up", await ClosedLoopLoad.RunAsync(FreshPhase(TimeSpan.FromSeconds(4)), images));
        var pairs = new List<string>();
        bool recovered = false;
        for (int pair = 0; pair < RecoveryWindows && !recovered; pair++)
        {
            LoadReport reference = await ClosedLoopLoad.RunAsync(FreshPhase(Calm), images);
            Log($"fresh server, window {pair + 1}", reference);
            AssertServedEverything(reference, "on a fresh server", fresh);
            LoadReport after = await ClosedLoopLoad.RunAsync(phase(FewConnections, Calm), images);
            afterWindows.Add(after);
            Log($"after, paired window {pair + 1}", after);
            AssertServedEverything(after, "after the overload", overloaded);
            pairs.Add(string.Create(CultureInfo.InvariantCulture, $"{after.OkPerSecond:N0}/s against {reference.OkPerSecond:N0}/s on a fresh server"));
            recovered = after.OkPerSecond >= RecoveryShare * reference.OkPerSecond;
        }

        Assert.AreEqual(0, await fresh.StopAsync(), fresh.Log);
        return (recovered, "then " + string.Join(", ", pairs));
    }

    private static async Task<string> MetricsAsync(Uri server)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        return await client.GetStringAsync("/metrics");
    }

    /// <summary>The <c>lenet_http_requests_total</c> samples of <c>POST /v1/classify</c>, by status.</summary>
    private static Dictionary<string, double> ClassifyAnswersByStatus(string metrics) =>
        RequestSample().Matches(metrics)
            .Where(m => m.Groups["labels"].Value.Contains("route=\"/v1/classify\"", StringComparison.Ordinal) && m.Groups["labels"].Value.Contains("method=\"POST\"", StringComparison.Ordinal))
            .GroupBy(m => StatusLabel().Match(m.Groups["labels"].Value).Groups["status"].Value)
            .ToDictionary(g => g.Key, g => g.Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^lenet_http_requests_total\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex RequestSample();

    [GeneratedRegex(@"status=""(?<status>[0-9]+)""")]
    private static partial Regex StatusLabel();

    private static void AssertServedEverything(LoadReport report, string when, ServeProcess server)
    {
        Assert.IsGreaterThan(0, report.Ok, $"{when}: no answer: {report}");
        Assert.AreEqual(report.Ok, report.Requests, $"{when}: {FewConnections} connections must all get 200s: {report}{Environment.NewLine}{server.Log}");
        Assert.AreEqual(0, report.WrongLabels, $"{when}: wrong labels: {report}");
    }

    private static void Log(string phase, LoadReport report) => Console.WriteLine($"{phase}: {report}{Environment.NewLine}");
}
