using System.Globalization;
using System.CommandLine;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Runtime;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Cli.Commands;

/// <summary>Options shared by several commands, defined once so they read and validate alike.</summary>
internal static class CommonOptions
{
    public static Option<string> Variant()
    {
        var option = new Option<string>("--variant", "-v")
        {
            Description = $"LeNet-5 variant: {string.Join(", ", LeNetVariants.Names)}.",
            DefaultValueFactory = _ => LeNetVariants.Classic.Variant,
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is null || !LeNetVariants.TryGet(value, out _))
            {
                result.AddError($"Unknown variant '{value}'; use one of: {string.Join(", ", LeNetVariants.Names)}.");
            }
        });
        return option;
    }

    /// <summary><c>--dataset</c>: one of the data sets the Trainer knows, Fashion-MNIST by default.</summary>
    public static Option<string> DataSet()
    {
        var option = new Option<string>("--dataset")
        {
            Description = $"{string.Join(", ", DataSetCatalog.Names)}: idx reads the --data directory's four IDX files and labels.txt (one class name per line).",
            DefaultValueFactory = _ => DataSetCatalog.FashionMnistName,
        };
        option.AcceptOnlyFromAmong([.. DataSetCatalog.Names]);
        return option;
    }

    public static Option<int> Opset()
    {
        var option = new Option<int>("--opset")
        {
            Description = $"ONNX opset of the default domain, {Builder.Ir.Opset.Min} to {Builder.Ir.Opset.Max}.",
            DefaultValueFactory = _ => Builder.Ir.Opset.Default,
        };
        option.Validators.Add(result =>
        {
            // A token that is not a number is reported by the parser itself; reading the
            // value here would throw instead of adding an error.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out int value)
                && value is < Builder.Ir.Opset.Min or > Builder.Ir.Opset.Max)
            {
                result.AddError($"Opset {value} is not supported; use {Builder.Ir.Opset.Min} to {Builder.Ir.Opset.Max}.");
            }
        });
        return option;
    }

    /// <summary><c>--device auto|cpu|cuda</c> (default auto), read with <see cref="ParseDevice"/>.</summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device")
        {
            Description = "auto (CUDA when it can be used, else the CPU, saying why), cpu or cuda (needs the GPU build and " + ExecutionDevices.CudaRequirement + ").",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        return option;
    }

    /// <summary>The device a parsed <see cref="Device"/> option names.</summary>
    public static ExecutionDevice ParseDevice(string value) => Enum.Parse<ExecutionDevice>(value, ignoreCase: true);

    /// <summary>The one line <c>--device auto</c> earns on stderr when it falls back to the CPU.</summary>
    public static void ReportDeviceFallback(TextWriter log, string? reason, string what)
    {
        if (reason is not null)
        {
            log.WriteLine($"lenet: CUDA cannot be used ({reason}); {what} on the CPU.");
        }
    }

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed of the initial weights; the same seed gives the same bytes.",
        DefaultValueFactory = _ => 1UL,
    };

    /// <summary>A validator: a number outside minimum..maximum is a parse error naming the option and the range.</summary>
    public static void InRange(System.CommandLine.Parsing.OptionResult result, double minimum, double maximum)
    {
        // A token that is not a number is reported by the parser itself.
        if (result.Tokens.Count > 0
            && double.TryParse(result.Tokens[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && !(value >= minimum && value <= maximum))
        {
            string range = maximum >= int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"{minimum} or more")
                : string.Create(CultureInfo.InvariantCulture, $"{minimum} to {maximum}");
            result.AddError($"{result.Option.Name} {result.Tokens[^1].Value} is out of range; use {range}.");
        }
    }

    /// <summary><c>--label-smoothing ε</c>, 0 to below 1.</summary>
    public static Option<double?> LabelSmoothing(string description)
    {
        var option = new Option<double?>("--label-smoothing") { Description = description + " (0 to below 1; 0: plain cross-entropy)." };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0
                && double.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out double value)
                && !(value is >= 0 and < 1))
            {
                result.AddError($"--label-smoothing {result.Tokens[^1].Value} is out of range; use 0 to below 1.");
            }
        });
        return option;
    }
}
