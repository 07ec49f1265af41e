using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LeNetOnnx.Runtime.DependencyInjection;

/// <summary>
/// Creates the registered <see cref="LeNetClassifier"/> and logs the load. The logging lives here,
/// not in <see cref="LeNetClassifier.Load"/>, so the classifier itself stays free of logging.
/// </summary>
internal static partial class LeNetClassifierLoader
{
    /// <summary>The singleton factory: loads <see cref="LeNetClassifierRegistrationOptions.ModelPath"/>.</summary>
    /// <exception cref="OptionsValidationException">The registration options are invalid (no model path).</exception>
    /// <exception cref="FileNotFoundException">No model at the path.</exception>
    /// <exception cref="LeNetModelException">The model is too large, corrupt or does not follow the contract.</exception>
    public static LeNetClassifier Load(IServiceProvider services)
    {
        LeNetClassifierRegistrationOptions registration = services.GetRequiredService<IOptions<LeNetClassifierRegistrationOptions>>().Value;
        ILogger logger = services.GetService<ILogger<LeNetClassifier>>() ?? NullLogger<LeNetClassifier>.Instance;

        long started = Stopwatch.GetTimestamp();
        LeNetClassifier classifier = LeNetClassifier.Load(registration.ModelPath, registration.Classifier);
        ModelLoaded(
            logger,
            Path.GetFullPath(registration.ModelPath),
            classifier.Variant,
            classifier.Labels.Count,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return classifier;
    }

    [LoggerMessage(EventId = 1, EventName = "LeNetModelLoaded", Level = LogLevel.Information,
        Message = "Loaded LeNet model {ModelPath}: variant {Variant}, {LabelCount} labels, in {LoadMilliseconds:0.0} ms")]
    private static partial void ModelLoaded(ILogger logger, string modelPath, string variant, int labelCount, double loadMilliseconds);
}
