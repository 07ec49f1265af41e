using System.CommandLine;
using LeNetOnnx.Cli.Serving;
using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Commands;

/// <summary>
/// <c>lenet serve</c>: classifies over HTTP (Kestrel) until Ctrl-C or SIGTERM, then stops
/// accepting, answers every request already accepted and exits 0.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model (a LeNetOnnx model: lenet build or lenet train).", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, http://HOST:PORT separated by ';' (port 0: any free port). The default listens on the loopback address only.",
            DefaultValueFactory = _ => ServeOptions.DefaultUrls,
        };
        var maxBatch = new Option<int>("--max-batch") { Description = "The most single-image requests classified in one model run, 1 to 4096.", DefaultValueFactory = _ => new BatchingOptions().MaxBatchSize };
        var maxDelay = new Option<double>("--max-delay-ms")
        {
            Description = "How long the first request of a batch waits for others, in milliseconds, 0 to 1000.",
            DefaultValueFactory = _ => new BatchingOptions().MaxDelay.TotalMilliseconds,
        };
        var queue = new Option<int>("--queue") { Description = "Single images that may wait for a batch; beyond them requests get 503 with Retry-After.", DefaultValueFactory = _ => new BatchingOptions().QueueCapacity };
        var maxRequestBytes = new Option<long>("--max-request-bytes") { Description = "The largest request body accepted; larger ones get 413.", DefaultValueFactory = _ => ServeOptions.DefaultMaxRequestBytes };
        Option<string> device = CommonOptions.Device();
        var noPage = new Option<bool>("--no-page") { Description = "Serve the API only: no web page at GET /, no /v1/model, /v1/info or /v1/samples." };
        var data = new Option<string>("--data") { Description = $"Where the page's gallery finds Fashion-MNIST test images; else ${LeNetOnnx.Trainer.Data.DataDirectorySearch.EnvironmentVariable}, ./data, Debian's path (never downloaded)." };
        maxBatch.Validators.Add(r => CommonOptions.InRange(r, 1, BatchingOptions.LargestMaxBatchSize));
        maxDelay.Validators.Add(r => CommonOptions.InRange(r, 0, BatchingOptions.LongestMaxDelay.TotalMilliseconds));
        queue.Validators.Add(r => CommonOptions.InRange(r, 1, int.MaxValue));
        maxRequestBytes.Validators.Add(r => CommonOptions.InRange(r, 1, long.MaxValue));
        var command = new Command("serve", "Serve a model over HTTP: POST /v1/classify (PNG, JPEG or JSON pixels), GET /healthz, GET /metrics (Prometheus).")
        {
            model, urls, maxBatch, maxDelay, queue, maxRequestBytes, device, noPage, data,
        };

        // Synchronous on purpose: the host handles Ctrl-C and SIGTERM itself (stop accepting, let
        // requests in flight finish, then drain the queue); an asynchronous action would have
        // System.CommandLine end the process 2 s after the signal.
        command.SetAction(result =>
        {
            var options = new ServeOptions
            {
                Urls = ServeOptions.ParseUrls(result.GetValue(urls)!),
                Batching = new BatchingOptions
                {
                    MaxBatchSize = result.GetValue(maxBatch),
                    MaxDelay = TimeSpan.FromMilliseconds(result.GetValue(maxDelay)),
                    QueueCapacity = result.GetValue(queue),
                },
                MaxRequestBytes = result.GetValue(maxRequestBytes),
            };
            FileInfo file = result.GetValue(model)!;
            using LeNetClassifier classifier = ModelFile.Load(file.FullName, new LeNetClassifierOptions { Device = CommonOptions.ParseDevice(result.GetValue(device)!) });
            CommonOptions.ReportDeviceFallback(result.InvocationConfiguration.Error, classifier.DeviceFallbackReason, "serving");
            if (result.GetValue(data) is { } gallery && !LeNetOnnx.Trainer.Data.DataSetLocator.HoldsAll(LeNetOnnx.Trainer.Data.FashionMnist.Description, Path.GetFullPath(gallery)))
            {
                throw new UsageException($"--data '{Path.GetFullPath(gallery)}' does not hold the four Fashion-MNIST files the page's gallery reads; give their directory or leave --data out.");
            }

            WebPage? page = result.GetValue(noPage)
                ? null
                : new WebPage(WebPage.DefaultFolder, File.ReadAllBytes(file.FullName), file.Name, classifier, LeNetOnnx.Trainer.Data.DataDirectorySearch.FromProcess(result.GetValue(data)));
            ClassifyServer server = ClassifyServer.Create(classifier, file.Name, options, page: page);
            try
            {
                server.StartAsync().GetAwaiter().GetResult();
                server.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                // Stops the server if it still runs, then answers every queued image.
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
