using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Builds and throws the Runtime's errors: the argument errors of the public API, options out of
/// range, use after dispose, a full queue. Kept out of line (and out of stack traces) so the hot
/// methods stay small and inlinable; every message names the parameter and the fix.
/// </summary>
[StackTraceHidden]
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
    public static void OptionOutOfRange(string options, string option, object value, string expected) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{options}.{option} is {value}; expected {expected}."),
            "options");

    [DoesNotReturn]
    public static void Disposed(string type) => throw new ObjectDisposedException(type);

    [DoesNotReturn]
    public static void QueueFull(int capacity) => throw new BatchingQueueFullException(capacity);
}
