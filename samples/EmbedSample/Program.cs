// LeNetOnnx.Runtime inside a .NET generic host, as a service would embed it.
// Usage: dotnet run --project samples/EmbedSample -- <model.onnx> <image> [index]
//   <image>: 784 raw bytes (one 28x28 image, 0..255, row-major), or an IDX images file, gzipped
//   or not (e.g. Fashion-MNIST's t10k-images-idx3-ubyte.gz); [index] picks an image in it.
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using LeNetOnnx.Runtime;
using LeNetOnnx.Runtime.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: EmbedSample <model.onnx> <784-byte image or IDX images file> [index]");
    return 2;
}

byte[] image = ReadImage(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0);

// Not CreateApplicationBuilder(args): these arguments are file paths, not configuration.
HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
builder.Services.AddLeNetClassifier(lenet =>
{
    lenet.ModelPath = args[0];
    lenet.Classifier = new LeNetClassifierOptions { IntraOpThreads = 1 };
});

using IHost host = builder.Build();
try
{
    await host.StartAsync();   // loads and checks the model now (and logs it), not at the first image
}
catch (Exception e) when (e is FileNotFoundException or LeNetModelException)
{
    Console.Error.WriteLine(e.Message);   // e.g. "Could not find file '/srv/models/lenet.onnx'."
    return 1;
}

LeNetClassifier classifier = host.Services.GetRequiredService<LeNetClassifier>();
Prediction prediction = classifier.Classify(image);
Console.WriteLine($"{prediction.LabelName} (label {prediction.Label}), probability {prediction.Probability:0.000}");

await host.StopAsync();
return 0;

static byte[] ReadImage(string path, int index)
{
    using Stream file = File.OpenRead(path);
    using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    using var bytes = new MemoryStream();
    stream.CopyTo(bytes);
    byte[] data = bytes.ToArray();
    if (data.Length == LeNetClassifier.PixelsPerImage)
    {
        return data;   // one raw image
    }

    // IDX: big-endian int32s magic 2051, image count, rows, columns; then the images' pixels.
    int Header(int field) => BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 * field));
    if (data.Length < 16 || Header(0) != 2051 || Header(2) != 28 || Header(3) != 28)
    {
        throw new InvalidDataException($"{path} is neither 784 raw bytes nor an IDX file of 28x28 images.");
    }

    int count = Math.Min(Header(1), (data.Length - 16) / LeNetClassifier.PixelsPerImage);
    ArgumentOutOfRangeException.ThrowIfNegative(index);
    ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
    return data.AsSpan(16 + (index * LeNetClassifier.PixelsPerImage), LeNetClassifier.PixelsPerImage).ToArray();
}
