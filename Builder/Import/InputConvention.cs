using System.Globalization;

namespace LeNetOnnx.Builder.Import;

/// <summary>
/// What a foreign model expects as its input, in terms of the contract's image x (pixel/255):
/// <c>u = Scale·x + Shift</c>. A model trained on raw bytes has Scale 255; one fed
/// <c>Normalize(mean, std)</c> after <c>ToTensor</c> has Scale 1/std and Shift −mean/std. Told by
/// the user (<c>lenet import --input-scale</c>, <c>--normalized</c>), never guessed: the graph
/// does not say what was done to its input before it.
/// </summary>
public readonly record struct InputConvention(float Scale, float Shift)
{
    /// <summary>The contract's own convention: pixel/255.</summary>
    public static InputConvention PixelOver255 { get; } = new(1, 0);

    /// <summary>
    /// The convention of a model fed pixels times <paramref name="pixelScale"/> (1: pixel/255, 255:
    /// raw bytes), then, when given, normalized as <c>(u − mean) / std</c>.
    /// </summary>
    /// <exception cref="InvalidOptionException">The scale is not 1 or 255, or std is not a positive finite number.</exception>
    public static InputConvention Of(int pixelScale, float? mean = null, float? std = null)
    {
        if (pixelScale is not (1 or 255))
        {
            throw new InvalidOptionException($"The input scale is {pixelScale}; use 1 (the model takes pixel/255) or 255 (it takes raw bytes).", nameof(pixelScale));
        }

        float m = mean ?? 0, s = std ?? 1;
        if (!float.IsFinite(m) || !float.IsFinite(s) || s <= 0)
        {
            throw new InvalidOptionException($"The normalization ({m}, {s}) needs a finite mean and a positive standard deviation.", nameof(std));
        }

        return new InputConvention(pixelScale / s, m == 0 ? 0 : -m / s);
    }

    /// <summary>For metadata and messages, e.g. <c>x·2 + -1 (x = pixel/255)</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"x·{Scale:G9} + {Shift:G9} (x = pixel/255)");
}
