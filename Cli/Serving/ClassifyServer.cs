using LeNetOnnx.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// The HTTP server of <c>lenet serve</c>: Kestrel and a minimal API over one
/// <see cref="LeNetClassifier"/> (not owned) and the <see cref="BatchingClassifier"/> it creates.
/// Routes: <c>POST /v1/classify</c>, <c>GET /healthz</c>, <c>GET /metrics</c>; anything else is
/// a JSON 404 (or 405), and an unexpected exception a JSON 500 without details, logged.
/// </summary>
/// <remarks>
/// The host reads no configuration (no appsettings.json, no ASPNETCORE_* or Kestrel__* settings):
/// it listens on <see cref="ServeOptions.Urls"/> and nowhere else.
/// </remarks>
internal sealed partial class ClassifyServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private string pageRoutes = "";
    private readonly BatchingClassifier batching;
    private readonly ServingMetrics metrics;
    private readonly ServeOptions options;
    private readonly string model;
    private readonly string variant;
    private readonly ILogger logger;
    private bool started;
    private bool disposed;

    private ClassifyServer(WebApplication app, BatchingClassifier batching, ServingMetrics metrics, ServeOptions options, string model, string variant)
    {
        this.app = app;
        this.batching = batching;
        this.metrics = metrics;
        this.options = options;
        this.model = model;
        this.variant = variant;
        logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LeNetOnnx.Serve");
    }

    /// <summary>The addresses the server listens on, ports resolved; empty before <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<string> Urls => started ? [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses] : [];

    /// <summary>Images waiting in the batching queue.</summary>
    public int PendingCount => batching.PendingCount;

    /// <summary>Builds the server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="classifier">The model; it must outlive the server.</param>
    /// <param name="model">The model's name as <c>/healthz</c> and the log show it (its file name).</param>
    /// <param name="options">Addresses, batching and limits.</param>
    /// <param name="logging">Replaces the console logging (tests collect the lines); null for the console at Information.</param>
    /// <param name="handleSignals">Whether Ctrl-C and SIGTERM stop the server (the command); false when embedded (tests).</param>
    /// <param name="moreRoutes">Maps more routes, behind the same middleware (tests add one that throws).</param>
    /// <param name="page">The web page and its routes; null for an API-only server (<c>--no-page</c>).</param>
    public static ClassifyServer Create(
        LeNetClassifier classifier,
        string model,
        ServeOptions options,
        Action<ILoggingBuilder>? logging = null,
        bool handleSignals = true,
        Action<IEndpointRouteBuilder>? moreRoutes = null,
        WebPage? page = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // No appsettings.json, environment variables or Kestrel endpoint settings: only what
        // the command line says. The in-memory source receives UseUrls below.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        if (!handleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        }

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // "Hosting failed to start" with a stack trace: StartAsync reports bind errors in one line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        // Errors of the framework itself (the exception handler's log of a 500) stay visible.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics", LogLevel.Error);

        WebApplication app = builder.Build();
        var batching = new BatchingClassifier(classifier, options.Batching);
        var metrics = new ServingMetrics(model, classifier.Variant);
        var server = new ClassifyServer(app, batching, metrics, options, model, classifier.Variant);
        var endpoint = new ClassifyEndpoint(
            classifier,
            batching,
            metrics,
            options,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LeNetOnnx.Serve.Classify"),
            app.Lifetime.ApplicationStopping);

        app.Use(metrics.MeasureAsync);
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = InternalErrorAsync });
        app.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = status => server.StatusPageAsync(status) });
        app.MapPost(ClassifyEndpoint.Route, endpoint.HandleAsync);
        app.MapGet("/healthz", server.HealthAsync);
        app.MapGet("/metrics", server.MetricsAsync);
        page?.Map(app);
        server.pageRoutes = page is null ? "" : $", {WebPage.Routes}";
        moreRoutes?.Invoke(app);
        return server;
    }

    /// <summary>Binds the addresses and starts serving; logs one line with the addresses and the model.</summary>
    /// <exception cref="UsageException">An address cannot be bound (in use, not local, not permitted).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // Kestrel's bind errors: address in use, not an address of this machine, localhost with port 0.
            throw new UsageException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}");
        }

        started = true;
        LogStarted(logger, string.Join(", ", Urls), model, variant, options.Describe());
    }

    /// <summary>Waits until the server is told to stop (Ctrl-C, SIGTERM, <see cref="StopAsync"/>), then stops it.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting connections and lets requests in flight finish (up to <see cref="ServeOptions.ShutdownTimeout"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => app.StopAsync(cancellationToken);

    /// <summary>Stops the server if it runs, then drains the batching queue: every accepted image is answered.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (started)
        {
            await app.StopAsync().ConfigureAwait(false);
        }

        int pending = batching.PendingCount;
        await batching.DisposeAsync().ConfigureAwait(false);
        if (started)
        {
            LogStopped(logger, pending);
        }

        await app.DisposeAsync().ConfigureAwait(false);
        metrics.Dispose();
    }

    private Task HealthAsync(HttpContext context) => JsonResponse.WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteString("model", model);
        w.WriteString("variant", variant);
        w.WriteEndObject();
    });

    private async Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusText.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(metrics.Render(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The exception handler: the exception was logged by the middleware; the client learns nothing of it.</summary>
    private static Task InternalErrorAsync(HttpContext context) =>
        HttpError.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal server error; the server log has the details.");

    /// <summary>Gives bodiless error responses (unknown route, wrong method) a JSON body.</summary>
    private Task StatusPageAsync(StatusCodeContext status)
    {
        HttpContext context = status.HttpContext;
        HttpRequest request = context.Request;
        string message = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"No route {request.Method} {request.Path}; the routes are POST {ClassifyEndpoint.Route}, GET /healthz, GET /metrics{pageRoutes}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}; use {(request.Path.StartsWithSegments(ClassifyEndpoint.Route) ? "POST" : "GET")}.",
            int code => $"{code} {ReasonPhrase(code)}",
        };
        return HttpError.WriteAsync(context, context.Response.StatusCode, message);
    }

    private static string ReasonPhrase(int code) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "lenet serve listening on {Urls}: model {Model} (LeNet-5 '{Variant}'), {Options}")]
    private static partial void LogStarted(ILogger logger, string urls, string model, string variant, string options);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "lenet serve stopped; {Pending} images were still queued and got their answers")]
    private static partial void LogStopped(ILogger logger, int pending);

    /// <summary>No signal handling: the embedding code stops the server.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
