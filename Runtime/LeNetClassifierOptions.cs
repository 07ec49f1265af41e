using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>How <see cref="LeNetClassifier"/> loads a model and configures its ONNX Runtime session.</summary>
/// <example><c>var options = new LeNetClassifierOptions { IntraOpThreads = 2, MaxModelBytes = 1 &lt;&lt; 20 };</c></example>
public sealed record LeNetClassifierOptions
{
    /// <summary>The default <see cref="MaxModelBytes"/>: 16 MiB, about 60 times a LeNet-5 model (~250 KB).</summary>
    public const int DefaultMaxModelBytes = 16 * 1024 * 1024;

    /// <summary>The defaults: one intra-op thread, no spinning, all graph optimizations, 16 MiB cap.</summary>
    public static LeNetClassifierOptions Default { get; } = new();

    /// <summary>
    /// Threads ONNX Runtime may use inside one operator of one call; 0 lets ONNX Runtime choose
    /// (one per physical core). Default 1: a LeNet-5 image costs well under a millisecond, too
    /// little to split across threads, and concurrent callers already keep every core busy
    /// (<see cref="LeNetClassifier"/> is thread-safe), so extra intra-op threads only contend
    /// with them. Raise it for large batches on an otherwise idle machine.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Into how many slices a large batch is split, run at the same time (data parallel): the
    /// caller runs slices itself while <c>BatchSlices − 1</c> threads the classifier owns take the
    /// others. Default 1: no split. Set it to the cores a single caller's large batches may use,
    /// with <see cref="IntraOpThreads"/> 1: independent slices keep every core busy without ONNX
    /// Runtime's per-operator synchronization. A large batch is cut into more slices than that, of about 64 images
    /// (whose activations stay in a core's cache), which the threads claim one after another.
    /// Batches smaller than <see cref="MinImagesPerSlice"/> × 2 are never split; only one call at a
    /// time splits, concurrent ones run whole (they already keep the cores busy).
    /// </summary>
    public int BatchSlices { get; init; } = 1;

    /// <summary>
    /// How long the threads that run the slices of split batches (<see cref="BatchSlices"/>) keep
    /// spinning for the next batch before they block, and a splitting caller for the last slice.
    /// Default 1 ms: batches that follow each other closely never pay for waking a blocked thread,
    /// which can cost a good part of a batch's time on a virtual machine. A spinning thread offers its
    /// core to any thread that is ready to run after every few pause instructions
    /// (<c>sched_yield</c>), so it takes little from other work; it mostly keeps the core awake.
    /// <see cref="TimeSpan.Zero"/> blocks at once. At most <see cref="MaxSliceSpinTime"/>.
    /// </summary>
    public TimeSpan SliceSpinTime { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest <see cref="SliceSpinTime"/> accepted.</summary>
    public static readonly TimeSpan MaxSliceSpinTime = TimeSpan.FromSeconds(1);

    /// <summary>The fewest images a slice of a split batch holds (<see cref="BatchSlices"/>).</summary>
    public const int MinImagesPerSlice = 16;

    /// <summary>The largest <see cref="BatchSlices"/> accepted.</summary>
    public const int MaxBatchSlices = 64;

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin while waiting for work
    /// (<c>session.intra_op.allow_spinning</c>). Default false: spinning lowers latency for one
    /// caller on a dedicated machine, but under concurrent serving on few cores the spinning
    /// threads steal the CPU the callers need. Only matters when
    /// <see cref="IntraOpThreads"/> is not 1.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// ONNX Runtime's graph optimizations at load. Default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>:
    /// it folds constants (e.g. the C3 connection mask into the weights) and fuses layers.
    /// </summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Whether the first layer (<c>Conv → activation → AveragePool 2×2</c>, as in LeNet-5 classic)
    /// runs as an equal computation by pooling phases that ONNX Runtime's CPU kernels run faster
    /// (about half again as many images per second). Default true. The rewritten model is checked against
    /// the original on probe images at load (agreement to 1e-5) and used only when they agree;
    /// models without that first layer run as they are. <see cref="LeNetClassifier.FirstLayerRewritten"/>
    /// says whether it applied. Set false to run the model exactly as written.
    /// </summary>
    public bool RewriteFirstLayer { get; init; } = true;

    /// <summary>
    /// Where the model runs. Default <see cref="ExecutionDevice.Cpu"/>. With
    /// <see cref="ExecutionDevice.Cuda"/> loading throws <see cref="CudaUnavailableException"/> when
    /// CUDA cannot be used here; with <see cref="ExecutionDevice.Auto"/> the classifier runs on the
    /// CPU instead and says why in <see cref="LeNetClassifier.DeviceFallbackReason"/>. CUDA needs the
    /// GPU package of ONNX Runtime (<see cref="ExecutionDevices.CudaRequirement"/>); on CUDA the
    /// first layer is never rewritten (<see cref="RewriteFirstLayer"/> is a CPU optimization).
    /// </summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>
    /// The largest model accepted, in bytes; larger ones are refused before they are read into
    /// memory or parsed. Default <see cref="DefaultMaxModelBytes"/>.
    /// </summary>
    public int MaxModelBytes { get; init; } = DefaultMaxModelBytes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    internal void Validate()
    {
        if (BatchSlices is < 1 or > MaxBatchSlices)
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(BatchSlices), BatchSlices, $"1 (no split) to {MaxBatchSlices}");
        }

        if (SliceSpinTime < TimeSpan.Zero || SliceSpinTime > MaxSliceSpinTime)
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(SliceSpinTime), SliceSpinTime, $"{TimeSpan.Zero} (block at once) to {MaxSliceSpinTime}");
        }

        if (IntraOpThreads < 0)
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(IntraOpThreads), IntraOpThreads, "0 (ONNX Runtime chooses) or a positive thread count");
        }

        if (MaxModelBytes <= 0)
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(MaxModelBytes), MaxModelBytes, "a positive byte count");
        }

        if (!Enum.IsDefined(Device))
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(Device), Device, $"one of {string.Join(", ", Enum.GetNames<ExecutionDevice>())}");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            Throw.OptionOutOfRange(nameof(LeNetClassifierOptions), nameof(GraphOptimizationLevel), GraphOptimizationLevel, $"one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}");
        }
    }

    /// <summary>The ONNX Runtime session options these settings stand for on <paramref name="device"/> (resolved); the caller disposes them.</summary>
    internal SessionOptions ToSessionOptions(ExecutionDevice device)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpThreads,

            // One graph, executed node after node: there are no parallel branches to schedule.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel,

            // Every failure reaches the caller as an exception with ONNX Runtime's message; its
            // own log lines would only repeat it on the process's stderr, unasked.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        try
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
            ExecutionDevices.AddProvider(options, device);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
