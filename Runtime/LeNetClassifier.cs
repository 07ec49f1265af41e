using System.Collections.Frozen;
using System.Globalization;
using LeNetOnnx.Runtime.Rewrite;
using LeNetOnnx.Runtime.Wire;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Classifies 28x28 grey images with a LeNetOnnx model on ONNX Runtime. Loading validates the
/// model (size cap, no external data, the model contract); classifying writes logits and
/// probabilities into spans the caller owns. One instance shares one session and is safe to
/// call from many threads; create one per model and dispose it when done.
/// </summary>
/// <example>
/// <code>
/// using LeNetClassifier classifier = LeNetClassifier.Load("models/lenet-classic.onnx");
///
/// // One image: 784 pixels, row-major, 0..255 as in the IDX files.
/// byte[] pixels = File.ReadAllBytes("sneaker.raw");
/// int label = classifier.Predict(pixels);
/// Console.WriteLine(classifier.Labels[label]);   // "Sneaker"
///
/// // A batch: the caller owns every buffer, nothing is allocated per image.
/// float[] images = new float[32 * LeNetClassifier.PixelsPerImage];     // pixel / 255
/// float[] logits = new float[32 * LeNetClassifier.ClassCount];
/// float[] probabilities = new float[32 * LeNetClassifier.ClassCount];
/// classifier.Classify(images, logits, probabilities);
/// </code>
/// </example>
public sealed partial class LeNetClassifier : IDisposable
{
    /// <summary>Side length of an image in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>Values per image: 28 x 28 = 784, row-major.</summary>
    public const int PixelsPerImage = ImageSize * ImageSize;

    /// <summary>Number of classes: values per image in the logits and probabilities.</summary>
    public const int ClassCount = 10;

    private readonly InferenceSession session;

    // Shared by every call: ONNX Runtime takes run options as read-only. Cancellation would
    // need one per call (RunOptions.Terminate), which this synchronous API does not offer.
    private readonly RunOptions runOptions;
    private readonly RunGate gate = new();
    private readonly BoundRunPool runs;
    private readonly int batchSlices;

    // Images per slice a split batch aims at, and the most slices one batch is cut into (a batch
    // larger than MaxSlices × SliceImages gets larger slices).
    private const int SliceImages = 64;
    private const int MaxSlices = LeNetClassifierOptions.MaxBatchSlices;

    // Rented by one splitting call at a time (a lock on it); null when batches are never split.
    private readonly SlicedRun? sliced;

    private LeNetClassifier(InferenceSession session, DeviceChoice device, bool firstLayerRewritten, LeNetClassifierOptions options, string[] labels, string variant, FrozenDictionary<string, string> metadata)
    {
        Device = device.Device;
        DeviceFallbackReason = device.FallbackReason;
        batchSlices = options.BatchSlices;
        sliced = batchSlices > 1 ? new SlicedRun(MaxSlices, helperThreads: batchSlices - 1, options.SliceSpinTime) : null;
        this.session = session;
        runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        runs = new BoundRunPool(session);
        FirstLayerRewritten = firstLayerRewritten;
        Labels = Array.AsReadOnly(labels);
        Variant = variant;
        Metadata = metadata;
    }

    /// <summary>The class names in label order (<c>lenet.labels</c>); label <c>i</c> is <c>Labels[i]</c>.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The variant the model was built as (<c>lenet.variant</c>), e.g. <c>classic</c>.</summary>
    public string Variant { get; }

    /// <summary>
    /// Whether the session runs the model with its first layer rewritten by pooling phases
    /// (<see cref="LeNetClassifierOptions.RewriteFirstLayer"/>); false when it runs the model as written.
    /// </summary>
    public bool FirstLayerRewritten { get; }

    /// <summary>Where the model runs: <see cref="ExecutionDevice.Cpu"/> or <see cref="ExecutionDevice.Cuda"/> (<see cref="LeNetClassifierOptions.Device"/> resolved).</summary>
    public ExecutionDevice Device { get; }

    /// <summary>
    /// Why <see cref="ExecutionDevice.Auto"/> runs on the CPU although the loaded ONNX Runtime has the
    /// CUDA provider (e.g. <c>libcublasLt.so.13: cannot open shared object file</c>); null otherwise.
    /// </summary>
    public string? DeviceFallbackReason { get; }

    /// <summary>All of the model's <c>metadata_props</c>, e.g. <c>lenet.seed</c> and <c>lenet.preprocessing</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Loads and validates a model file.</summary>
    /// <param name="path">The <c>.onnx</c> file; it is read into memory, never memory-mapped.</param>
    /// <param name="options">Session and loading options; null for <see cref="LeNetClassifierOptions.Default"/>.</param>
    /// <returns>A classifier; dispose it when done.</returns>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="LeNetModelException">The model is too large, corrupt, stores external data or does not follow the contract.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="CudaUnavailableException"><see cref="LeNetClassifierOptions.Device"/> is Cuda and CUDA cannot be used here.</exception>
    public static LeNetClassifier Load(string path, LeNetClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= LeNetClassifierOptions.Default;
        options.Validate();
        string model = $"The model '{path}'";
        return Create(ReadModelFile(path, model, options.MaxModelBytes), options, model);
    }

    /// <summary>Loads and validates a model from its bytes (copied; the caller may reuse the buffer).</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="options">Session and loading options; null for <see cref="LeNetClassifierOptions.Default"/>.</param>
    /// <returns>A classifier; dispose it when done.</returns>
    /// <exception cref="LeNetModelException">The model is empty, too large, corrupt, stores external data or does not follow the contract.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="CudaUnavailableException"><see cref="LeNetClassifierOptions.Device"/> is Cuda and CUDA cannot be used here.</exception>
    public static LeNetClassifier FromBytes(ReadOnlySpan<byte> model, LeNetClassifierOptions? options = null)
    {
        options ??= LeNetClassifierOptions.Default;
        options.Validate();
        const string name = "The model";
        CheckSize(model.Length, options.MaxModelBytes, name);
        return Create(model.ToArray(), options, name);
    }

    /// <summary>
    /// Refuses new calls, waits for the calls in flight to finish, then releases the session.
    /// Calls after this throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (gate.Close())
        {
            runs.Dispose();
            sliced?.Dispose();
            session.Dispose();
            runOptions.Dispose();
            metrics.Dispose();
        }
    }

    private static byte[] ReadModelFile(string path, string model, int maxBytes)
    {
        using FileStream stream = OpenModelFile(path);
        if (!stream.CanSeek)
        {
            throw new LeNetModelException($"{model} is not a regular file (a pipe or a device); expected an .onnx file.");
        }

        // Checked before reading, so an oversized file is never loaded into memory.
        CheckSize(stream.Length, maxBytes, model);
        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static FileStream OpenModelFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (DirectoryNotFoundException e)
        {
            // One exception for "no such model", whichever part of the path is missing.
            throw new FileNotFoundException($"Could not find the model '{path}': its folder does not exist.", path, e);
        }
    }

    private static void CheckSize(long length, int maxBytes, string model)
    {
        if (length == 0)
        {
            throw new LeNetModelException($"{model} is empty (0 bytes); expected an ONNX model of about 250 KB.");
        }

        if (length > maxBytes)
        {
            throw new LeNetModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"{model} is {length:N0} bytes, more than the {maxBytes:N0} allowed (a LeNet-5 model is about 250 KB). If it is really meant, raise {nameof(LeNetClassifierOptions)}.{nameof(LeNetClassifierOptions.MaxModelBytes)}."));
        }
    }

    private static LeNetClassifier Create(byte[] bytes, LeNetClassifierOptions options, string model)
    {
        CheckWireFormat(bytes, model);
        DeviceChoice device = ExecutionDevices.Resolve(options.Device);
        using SessionOptions sessionOptions = options.ToSessionOptions(device.Device);
        InferenceSession session = OpenSession(bytes, sessionOptions, model);
        try
        {
            (string[] labels, string variant, FrozenDictionary<string, string> metadata) = ModelContract.Check(session, model);
            CheckRuns(session, model);
            bool rewritten = false;
            if (options.RewriteFirstLayer && device.Device == ExecutionDevice.Cpu && Rewritten(session, bytes, sessionOptions) is { } faster)
            {
                session.Dispose();
                (session, rewritten) = (faster, true);
            }

            return new LeNetClassifier(session, device, rewritten, options, labels, variant, metadata);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static InferenceSession OpenSession(byte[] bytes, SessionOptions sessionOptions, string model)
    {
        try
        {
            return new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new LeNetModelException($"{model} could not be loaded by ONNX Runtime: {e.Message}", e);
        }
    }

    // A session over the model with its first layer rewritten for speed, when the model has that
    // layer and the rewritten model gives the original's outputs on the probe images; else null and
    // the original runs. Not an error either way: the rewrite is only ever an optimization.
    private static InferenceSession? Rewritten(InferenceSession original, byte[] bytes, SessionOptions sessionOptions)
    {
        if (TryRewrite(bytes) is not { } rewrite)
        {
            return null;
        }

        InferenceSession? session = null;
        try
        {
            session = new InferenceSession(rewrite, sessionOptions);
            if (RewriteCheck.Agrees(original, session))
            {
                InferenceSession result = session;
                session = null;
                return result;
            }

            return null;
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
        finally
        {
            session?.Dispose();
        }
    }

    private static byte[]? TryRewrite(byte[] bytes)
    {
        try
        {
            return FirstLayerPoolingPhases.TryRewrite(bytes, ModelContract.ImageInput);
        }
        catch (InvalidDataException)
        {
            // ONNX Runtime accepted the bytes; a field the rewrite reads more strictly is no reason to refuse them.
            return null;
        }
    }

    // The contract checks the declared inputs and outputs only: a model whose weights have the
    // wrong shape (a corrupt or hand-edited file) declares them correctly, loads, and then fails
    // in every call. One run on two blank images at load turns that into a load error.
    private static void CheckRuns(InferenceSession session, string model)
    {
        try
        {
            // Freshly made bound runs hold zeros: two blank images.
            using var run = new BoundRun(session, batch: 2);
            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            run.Run(session, runOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new LeNetModelException($"{model} declares the contract's inputs and outputs but fails to run on blank images, so it is corrupt: {e.Message}", e);
        }
    }

    // Screens the bytes before ONNX Runtime parses them: no external data, and no metadata key
    // that its .NET binding cannot read back.
    private static void CheckWireFormat(byte[] bytes, string model)
    {
        string? external;
        string? keyWithNul;
        try
        {
            external = ExternalDataScan.FindExternalTensor(bytes);
            keyWithNul = MetadataKeyScan.FindKeyWithNul(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new LeNetModelException($"{model} is not a valid ONNX model: {e.Message}", e);
        }

        if (keyWithNul is not null)
        {
            throw new LeNetModelException(
                $"{model} is corrupt: its metadata key \"{keyWithNul.Replace("\0", "\\0", StringComparison.Ordinal)}\" holds a NUL character, which ONNX Runtime cannot read.");
        }

        if (external is not null)
        {
            throw new LeNetModelException(
                $"{model} keeps the data of tensor '{external}' outside the model (ONNX external data). "
                + "External data is refused because ONNX Runtime would read it from file paths named inside the model. "
                + "Save the model with its weights inside it (in Python: onnx.save_model(model, path, save_as_external_data=False)).");
        }
    }
}
