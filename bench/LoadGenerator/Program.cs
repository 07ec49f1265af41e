using System.Globalization;
using LeNetOnnx.LoadGenerator;
using LeNetOnnx.Runtime;
using LeNetOnnx.Trainer.Data;

// A bounded load test of lenet serve on this machine; see Usage below.
const string Usage = """
    usage: LeNetOnnx.LoadGenerator [--url http://127.0.0.1:5000] [--connections 64] [--duration 30] [--timeout 10]
                                   [--pid PID] [--warmup 5] [--honor-retry-after true] [--images 1000] [--data DIR] [--model models/lenet-classic.onnx]
                                   [--body json|raw]

    Sends real Fashion-MNIST test images (the first --images of DIR/t10k-images-idx3-ubyte.gz) as JSON
    pixels (--body json, the default) or as their 784 raw bytes (--body raw, application/octet-stream) to
    POST /v1/classify of a lenet serve on a loopback address, over --connections connections in a closed
    loop (one request in flight per connection) for --duration seconds, each request timing out after
    --timeout seconds. Every 200 must carry the label --model gives the image when called directly.
    Prints requests/s, status counts, timeouts, wrong labels, latency percentiles of the 200s and, with
    --pid, the server's resident set size (start, after --warmup seconds, end, max).
    A 503 is retried at once unless --honor-retry-after true, which waits for its Retry-After.
    Exit codes: 0 the server passed (only 200s and 503s with Retry-After, right labels, no timeouts),
    1 it did not, 2 bad arguments or inputs.
    """;

var values = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "-h" or "--help")
    {
        Console.WriteLine(Usage);
        return 0;
    }

    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 == args.Length)
    {
        return Fail($"'{args[i]}' is not an option with a value.");
    }

    values[args[i]] = args[++i];
}

string[] known = ["--url", "--connections", "--duration", "--timeout", "--pid", "--warmup", "--images", "--data", "--model", "--honor-retry-after", "--body"];
if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is string unknown)
{
    return Fail($"unknown option {unknown}.");
}

try
{
    var options = new LoadOptions
    {
        Server = Uri.TryCreate(values.GetValueOrDefault("--url", "http://127.0.0.1:5000"), UriKind.Absolute, out Uri? url) ? url : throw new ArgumentException("--url is not an absolute http address."),
        Connections = Number("--connections", 64),
        Duration = TimeSpan.FromSeconds(Number("--duration", 30)),
        RequestTimeout = TimeSpan.FromSeconds(Number("--timeout", 10)),
        WarmUp = TimeSpan.FromSeconds(Number("--warmup", 5)),
        ServerPid = values.ContainsKey("--pid") ? Number("--pid", 0) : null,
        HonorRetryAfter = values.GetValueOrDefault("--honor-retry-after", "false") switch
        {
            "true" => true,
            "false" => false,
            string other => throw new ArgumentException($"--honor-retry-after '{other}' is not true or false."),
        },
    };
    options.Validate();
    string data = values.GetValueOrDefault("--data", FashionMnist.DebianDirectory);
    BodyFormat format = values.GetValueOrDefault("--body", "json") switch
    {
        "json" => BodyFormat.Json,
        "raw" => BodyFormat.Raw,
        string other => throw new ArgumentException($"--body '{other}' is not json or raw."),
    };
    ImagePool images = ImagePool.Load(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), values.GetValueOrDefault("--model", Path.Combine("models", "lenet-classic.onnx")), Number("--images", 1000), format);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{images.Bodies.Count} test images from {data}, labelled by a serial run of the model; load for {options.Duration.TotalSeconds:0.#} s..."));
    LoadReport report = await ClosedLoopLoad.RunAsync(options, images);
    Console.WriteLine(report);
    bool passed = report.WrongLabels == 0 && report.Timeouts == 0 && report.Errors == 0 && report.OtherStatuses.Count == 0 && report.OverloadedWithoutRetryAfter == 0;
    return passed ? 0 : 1;
}
catch (ArgumentException e)
{
    return Fail(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
}
catch (Exception e) when (e is IOException or DataSetException or LeNetModelException)
{
    return Fail(e.Message);
}

int Number(string option, int fallback) =>
    !values.TryGetValue(option, out string? text) ? fallback
    : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
    : throw new ArgumentException($"{option} '{text}' is not a whole number.");

static int Fail(string message)
{
    Console.Error.WriteLine($"load generator: {message} (--help for usage)");
    return 2;
}
