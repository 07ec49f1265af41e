using Microsoft.Extensions.Options;

namespace LeNetOnnx.Runtime.DependencyInjection;

/// <summary>
/// Checks <see cref="LeNetClassifierRegistrationOptions"/> before anything is loaded or started,
/// listing every problem in one <see cref="OptionsValidationException"/>.
/// </summary>
internal sealed class LeNetClassifierRegistrationValidator : IValidateOptions<LeNetClassifierRegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, LeNetClassifierRegistrationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            failures.Add(
                $"{nameof(LeNetClassifierRegistrationOptions)}.{nameof(LeNetClassifierRegistrationOptions.ModelPath)} is not set; "
                + "set it in AddLeNetClassifier(lenet => lenet.ModelPath = \"models/lenet-classic.onnx\") or as the configuration key "
                + $"'{LeNetClassifierRegistrationOptions.SectionName}:{nameof(LeNetClassifierRegistrationOptions.ModelPath)}'.");
        }

        // The option types check their own ranges (the same checks the constructors run); their
        // messages name the option, its value and what is expected.
        Check(options.Classifier, nameof(LeNetClassifierRegistrationOptions.Classifier), static o => o.Validate(), failures);
        Check(options.Batching, nameof(LeNetClassifierRegistrationOptions.Batching), static o => o.Validate(), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check<T>(T? options, string property, Action<T> validate, List<string> failures)
        where T : class
    {
        if (options is null)
        {
            failures.Add($"{nameof(LeNetClassifierRegistrationOptions)}.{property} is null; leave it unset for the defaults.");
            return;
        }

        try
        {
            validate(options);
        }
        catch (ArgumentException e)
        {
            // Without the " (Parameter 'options')" suffix, which names no parameter of the caller's.
            failures.Add(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
    }
}
