namespace LeNetOnnx.Runtime.DependencyInjection;

/// <summary>
/// What <c>AddLeNetClassifier</c> registers: the model file, the options it is loaded with, and
/// those of the <see cref="BatchingClassifier"/> in front of it.
/// </summary>
/// <remarks>
/// A mutable class, unlike <see cref="LeNetClassifierOptions"/>: the options pattern fills it in
/// place, from the <c>configure</c> callback or from configuration
/// (<c>services.AddOptions&lt;LeNetClassifierRegistrationOptions&gt;().BindConfiguration("LeNet")</c>,
/// keys <c>LeNet:ModelPath</c>, <c>LeNet:Classifier:IntraOpThreads</c>, <c>LeNet:Batching:MaxDelay</c>, ...).
/// </remarks>
/// <example>
/// <code>
/// services.AddLeNetClassifier(lenet =>
/// {
///     lenet.ModelPath = "models/lenet-classic.onnx";
///     lenet.Classifier = new LeNetClassifierOptions { IntraOpThreads = 2 };
///     lenet.Batching = new BatchingOptions { MaxBatchSize = 32, MaxDelay = TimeSpan.FromMilliseconds(2) };
/// });
/// </code>
/// </example>
public sealed class LeNetClassifierRegistrationOptions
{
    /// <summary>The configuration section the examples bind: <c>LeNet</c>.</summary>
    public const string SectionName = "LeNet";

    /// <summary>The <c>.onnx</c> model to load; relative paths are taken from the current directory. Required.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>How the model is loaded and its session configured; defaults to <see cref="LeNetClassifierOptions.Default"/>'s values.</summary>
    /// <remarks>A fresh instance per registration, so configuration binding never writes into the shared default.</remarks>
    public LeNetClassifierOptions Classifier { get; set; } = new();

    /// <summary>How the registered <see cref="BatchingClassifier"/> groups requests; defaults to <see cref="BatchingOptions"/>' defaults.</summary>
    /// <remarks>Checked when the host starts, with the model; the batching worker itself starts only when first resolved.</remarks>
    public BatchingOptions Batching { get; set; } = new();
}
