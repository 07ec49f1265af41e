namespace LeNetOnnx.Trainer.Loop;

/// <summary>How the learning rate moves over training.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The optimizer's learning rate throughout (the d2l recipe).</summary>
    Constant,

    /// <summary>Linear warm-up over the first epoch, then cosine decay to zero at the last step.</summary>
    WarmupCosine,
}

/// <summary>The learning rate at each step.</summary>
/// <param name="Kind">The schedule.</param>
/// <param name="BaseRate">The peak (or constant) learning rate.</param>
/// <param name="TotalSteps">Steps in the whole run.</param>
/// <param name="WarmupSteps">Steps of linear warm-up (WarmupCosine only).</param>
public readonly record struct LearningRateSchedule(LearningRateScheduleKind Kind, double BaseRate, long TotalSteps, long WarmupSteps)
{
    /// <summary>The rate for 0-based step <paramref name="step"/>.</summary>
    public float At(long step)
    {
        if (Kind == LearningRateScheduleKind.Constant)
        {
            return (float)BaseRate;
        }

        if (step < WarmupSteps)
        {
            return (float)(BaseRate * (step + 1) / WarmupSteps);
        }

        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return (float)(BaseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress))));
    }
}
