using System.Globalization;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// An optimizer and its hyperparameters. Defaults are <c>torch.optim</c>'s, except the learning
/// rate, which has none there. The learning rate is an input of the optimizer graph (so
/// schedules need no new graph); the rest are constants in it.
/// </summary>
public sealed record OptimizerOptions
{
    /// <summary>Which optimizer.</summary>
    public required OptimizerKind Kind { get; init; }

    /// <summary>Initial learning rate (the trainer feeds the current one each step).</summary>
    public required double LearningRate { get; init; }

    /// <summary>SGD momentum factor (0: plain SGD).</summary>
    public double Momentum { get; init; }

    /// <summary>SGD dampening of the momentum.</summary>
    public double Dampening { get; init; }

    /// <summary>SGD Nesterov momentum (needs momentum &gt; 0 and dampening 0).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Weight decay: L2 added to the gradient for SGD and Adam, decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Adam's first-moment decay.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's denominator epsilon.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The optimizer's name as the CLI and checkpoints spell it.</summary>
    public string Name => Kind switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Adam => "adam",
        OptimizerKind.AdamW => "adamw",
        _ => "keras-adam",
    };

    /// <summary>The names of the per-parameter state tensors, in order.</summary>
    public IReadOnlyList<string> StateNames => Kind switch
    {
        OptimizerKind.Sgd when Momentum != 0 => ["momentum"],
        OptimizerKind.Sgd => [],
        _ => ["exp_avg", "exp_avg_sq"],
    };

    /// <summary>The optimizer names, as <see cref="Name"/> spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "adamw", "keras-adam"];

    /// <summary>Parses an optimizer name (sgd, adam, adamw, keras-adam).</summary>
    public static OptimizerKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "sgd" => OptimizerKind.Sgd,
        "adam" => OptimizerKind.Adam,
        "adamw" => OptimizerKind.AdamW,
        "keras-adam" => OptimizerKind.KerasAdam,
        _ => throw new InvalidOptionException($"Unknown optimizer '{name}'; use {string.Join(", ", Names)}."),
    };

    /// <summary>Default options of an optimizer as its library has them, with <paramref name="learningRate"/>.</summary>
    public static OptimizerOptions Defaults(OptimizerKind kind, double learningRate) => new()
    {
        Kind = kind,
        LearningRate = learningRate,
        Epsilon = kind == OptimizerKind.KerasAdam ? 1e-7 : 1e-8,
    };

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid hyperparameter.</summary>
    public OptimizerOptions Validate()
    {
        Require(double.IsFinite(LearningRate) && LearningRate >= 0, $"the learning rate must be a finite number >= 0, got {Show(LearningRate)}");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, $"weight decay must be >= 0, got {Show(WeightDecay)}");
        if (Kind == OptimizerKind.Sgd)
        {
            Require(double.IsFinite(Momentum) && Momentum >= 0, $"momentum must be >= 0, got {Show(Momentum)}");
            Require(double.IsFinite(Dampening) && Dampening is >= 0 and <= 1, $"dampening must be in [0, 1], got {Show(Dampening)}");
            Require(!Nesterov || (Momentum > 0 && Dampening == 0), "Nesterov momentum needs a momentum > 0 and dampening 0");
        }
        else
        {
            Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, $"betas must be in [0, 1), got {Show(Beta1)}, {Show(Beta2)}");
            Require(double.IsFinite(Epsilon) && Epsilon > 0, $"eps must be > 0, got {Show(Epsilon)}");
        }

        return this;
    }

    /// <summary>The hyperparameters as name/value text pairs, for metadata and checkpoints.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var pairs = new List<KeyValuePair<string, string>> { new("optimizer", Name), new("lr", Show(LearningRate)), new("weight_decay", Show(WeightDecay)) };
        if (Kind == OptimizerKind.Sgd)
        {
            pairs.Add(new("momentum", Show(Momentum)));
            pairs.Add(new("dampening", Show(Dampening)));
            pairs.Add(new("nesterov", Nesterov ? "true" : "false"));
        }
        else
        {
            pairs.Add(new("beta1", Show(Beta1)));
            pairs.Add(new("beta2", Show(Beta2)));
            pairs.Add(new("eps", Show(Epsilon)));
        }

        return pairs;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOptionException($"Invalid optimizer options: {message}.");
        }
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
