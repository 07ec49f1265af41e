using System.Collections.Concurrent;
using LeNetOnnx.Cli.Serving;
using LeNetOnnx.Runtime;
using LeNetOnnx.Tests;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>
/// A <see cref="ClassifyServer"/> started in-process on 127.0.0.1 with a free port, its log lines
/// collected, and an <see cref="HttpClient"/> that talks to it and to nothing else (no proxy).
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly LeNetClassifier classifier;

    private RunningServer(LeNetClassifier classifier, ClassifyServer server, LogLines log)
    {
        this.classifier = classifier;
        Server = server;
        Log = log;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(server.Urls.Single()),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public ClassifyServer Server { get; }

    public HttpClient Client { get; }

    public LogLines Log { get; }

    public static string ModelPath => RepositoryRoot.Combine("models", "lenet-classic.onnx");

    public static async Task<RunningServer> StartAsync(ServeOptions? options = null, Action<IEndpointRouteBuilder>? moreRoutes = null)
    {
        options ??= new ServeOptions();
        options = options with { Urls = ["http://127.0.0.1:0"] };
        LeNetClassifier classifier = LeNetClassifier.Load(ModelPath);
        var log = new LogLines();
        ClassifyServer server = ClassifyServer.Create(
            classifier,
            Path.GetFileName(ModelPath),
            options,
            logging: builder => builder.AddProvider(log),
            handleSignals: false,
            moreRoutes: moreRoutes);
        await server.StartAsync();
        StringAssert.StartsWith(server.Urls.Single(), "http://127.0.0.1:");
        return new RunningServer(classifier, server, log);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        classifier.Dispose();
    }

    /// <summary>Collects every log line as "Level Category: message", exception included.</summary>
    internal sealed class LogLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> lines = new();

        public IReadOnlyList<string> Lines => [.. lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
    }
}
