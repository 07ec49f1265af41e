using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Builds and throws the argument errors of the public API. Kept out of line so the hot
/// methods stay small and inlinable; every message names the parameter and the fix.
/// </summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void ImagesLengthInvalid(string paramName, int length) =>
        throw new ArgumentException(
            $"{paramName} holds {length.ToString(CultureInfo.InvariantCulture)} values, which is not a positive multiple of {LeNetClassifier.PixelsPerImage} (28x28 pixels per image, row-major).",
            paramName);

    [DoesNotReturn]
    public static void ImageLengthInvalid(string paramName, int length) =>
        throw new ArgumentException(
            $"{paramName} holds {length.ToString(CultureInfo.InvariantCulture)} values; one image is exactly {LeNetClassifier.PixelsPerImage} (28x28 pixels, row-major).",
            paramName);

    [DoesNotReturn]
    public static void DestinationLengthInvalid(string paramName, int length, int batch) =>
        throw new ArgumentException(
            $"{paramName} holds {length.ToString(CultureInfo.InvariantCulture)} values; it must hold exactly {(batch * LeNetClassifier.ClassCount).ToString(CultureInfo.InvariantCulture)} ({LeNetClassifier.ClassCount} per image for {batch.ToString(CultureInfo.InvariantCulture)} images).",
            paramName);

    [DoesNotReturn]
    public static void PixelNotFinite(string paramName, int index, float value) =>
        throw new ArgumentException(
            $"{paramName}[{index.ToString(CultureInfo.InvariantCulture)}] is {value.ToString(CultureInfo.InvariantCulture)}; every pixel must be a finite number (pixel/255, from 0 to 1).",
            paramName);

    [DoesNotReturn]
    public static void TooManyIndices(string paramName, int length, int classes) =>
        throw new ArgumentException(
            $"{paramName} asks for the top {length.ToString(CultureInfo.InvariantCulture)} of only {classes.ToString(CultureInfo.InvariantCulture)} scores; pass at most as many indices as scores.",
            paramName);

    [DoesNotReturn]
    public static void OptionOutOfRange(string option, object value, string expected) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{nameof(LeNetClassifierOptions)}.{option} is {value}; expected {expected}."),
            "options");

    [DoesNotReturn]
    public static void Disposed() => throw new ObjectDisposedException(nameof(LeNetClassifier));
}
