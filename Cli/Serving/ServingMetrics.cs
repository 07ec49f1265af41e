using System.Collections.Concurrent;
using System.Diagnostics;
using LeNetOnnx.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// What <c>GET /metrics</c> reports, in the Prometheus text format: requests by route, method and
/// status, request latency histograms by route, images classified per path, the Runtime meters'
/// instruments (inference time, batch sizes, queue waits, rejections, pending requests), the
/// model, and the process's memory, CPU and garbage collections.
/// </summary>
internal sealed class ServingMetrics : IDisposable
{
    /// <summary>The route label of requests that matched no route.</summary>
    public const string UnmatchedRoute = "unmatched";

    private static readonly double[] LatencyBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    private readonly ConcurrentDictionary<(string Route, string Method, int Status), Tally> requests = new();
    private readonly ConcurrentDictionary<string, LatencyHistogram> latency = new(StringComparer.Ordinal);
    private readonly Tally batchedImages = new();
    private readonly Tally directImages = new();
    private readonly RuntimeMeterCollector runtime = RuntimeMeterCollector.ForRuntime();
    private readonly double startTime = (Process.GetCurrentProcess().StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    private readonly string modelLabels;

    /// <param name="model">The model's file name, a label of <c>lenet_serve_model_info</c>.</param>
    /// <param name="variant">The model's variant.</param>
    public ServingMetrics(string model, string variant) => modelLabels = PrometheusText.Labels(("model", model), ("variant", variant));

    /// <summary>Counts images classified through the batching classifier (single images).</summary>
    public void AddBatchedImages(int count) => Interlocked.Add(ref batchedImages.Value, count);

    /// <summary>Counts images classified directly (batch requests).</summary>
    public void AddDirectImages(int count) => Interlocked.Add(ref directImages.Value, count);

    /// <summary>
    /// The outermost middleware: times every request and counts it by route, method and final
    /// status, including 404s and the 500s the exception handler writes.
    /// </summary>
    public async Task MeasureAsync(HttpContext context, RequestDelegate next)
    {
        // Routing already ran (WebApplication puts it first); the exception handler clears the
        // endpoint later, so the route is read now.
        string route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? UnmatchedRoute : UnmatchedRoute;
        string method = Array.Find(KnownMethods, m => string.Equals(m, context.Request.Method, StringComparison.OrdinalIgnoreCase)) ?? "OTHER";
        long started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            int status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            Interlocked.Increment(ref requests.GetOrAdd((route, method, status), _ => new Tally()).Value);
            latency.GetOrAdd(route, _ => new LatencyHistogram()).Observe(seconds);
        }
    }

    /// <summary>The whole exposition, in the Prometheus text format 0.0.4.</summary>
    public string Render()
    {
        var output = new PrometheusText();
        output.Family("lenet_http_requests_total", "counter", "HTTP requests answered, by route, method and status code (499: the client left first).");
        foreach (KeyValuePair<(string Route, string Method, int Status), Tally> r in requests.OrderBy(r => r.Key.Route, StringComparer.Ordinal).ThenBy(r => r.Key.Method, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            output.Sample("lenet_http_requests_total", PrometheusText.Labels(("route", r.Key.Route), ("method", r.Key.Method), ("status", r.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))), Interlocked.Read(ref r.Value.Value));
        }

        output.Family("lenet_http_request_duration_seconds", "histogram", "Time from the request reaching the application to the response written, by route.");
        foreach (KeyValuePair<string, LatencyHistogram> l in latency.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            (long[] counts, double sum) = l.Value.Snapshot();
            output.Histogram("lenet_http_request_duration_seconds", PrometheusText.Labels(("route", l.Key)), LatencyBounds, counts, sum);
        }

        output.Family("lenet_serve_images_classified_total", "counter", "Images classified: path batched for single images (through the batching queue), direct for batch requests.");
        output.Sample("lenet_serve_images_classified_total", PrometheusText.Labels(("path", "batched")), Interlocked.Read(ref batchedImages.Value));
        output.Sample("lenet_serve_images_classified_total", PrometheusText.Labels(("path", "direct")), Interlocked.Read(ref directImages.Value));
        output.Family("lenet_serve_model_info", "gauge", "The model served (always 1).");
        output.Sample("lenet_serve_model_info", modelLabels, 1);

        runtime.WriteTo(output);

        output.Family("process_resident_memory_bytes", "gauge", "Resident memory (working set) of the process.");
        output.Sample("process_resident_memory_bytes", "", Environment.WorkingSet);
        output.Family("process_cpu_seconds_total", "counter", "User and system CPU time of the process.");
        output.Sample("process_cpu_seconds_total", "", Environment.CpuUsage.TotalTime.TotalSeconds);
        output.Family("process_start_time_seconds", "gauge", "Start of the process, seconds since the Unix epoch.");
        output.Sample("process_start_time_seconds", "", startTime);
        output.Family("dotnet_gc_heap_size_bytes", "gauge", "Bytes the garbage collector holds allocated (GC.GetTotalMemory).");
        output.Sample("dotnet_gc_heap_size_bytes", "", GC.GetTotalMemory(forceFullCollection: false));
        output.Family("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.");
        output.Sample("dotnet_gc_allocated_bytes_total", "", GC.GetTotalAllocatedBytes());
        output.Family("dotnet_gc_collections_total", "counter", "Garbage collections, by generation.");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            output.Sample("dotnet_gc_collections_total", PrometheusText.Labels(("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture))), GC.CollectionCount(generation));
        }

        return output.ToString();
    }

    public void Dispose() => runtime.Dispose();

    private sealed class Tally
    {
        public long Value;
    }

    private sealed class LatencyHistogram
    {
        private readonly Lock sync = new();
        private readonly long[] counts = new long[LatencyBounds.Length + 1];
        private double sum;

        public void Observe(double seconds)
        {
            int bucket = Array.FindIndex(LatencyBounds, b => seconds <= b);
            lock (sync)
            {
                counts[bucket < 0 ? LatencyBounds.Length : bucket]++;
                sum += seconds;
            }
        }

        public (long[] Counts, double Sum) Snapshot()
        {
            lock (sync)
            {
                return ((long[])counts.Clone(), sum);
            }
        }
    }
}
