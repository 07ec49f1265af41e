using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <summary>
/// Everything one run of one batch size needs, made once: pinned input and output buffers, the
/// <see cref="OrtValue"/>s over them and an <see cref="OrtIoBinding"/> that binds those values to
/// the session's input and outputs. A run copies the images in, runs the binding and copies the
/// scores out, allocating nothing. Used by one call at a time (<see cref="BoundRunPool"/>).
/// </summary>
internal sealed class BoundRun : IDisposable
{
    private readonly OrtValue images;
    private readonly OrtValue logits;
    private readonly OrtValue probabilities;
    private readonly OrtIoBinding binding;

    public BoundRun(InferenceSession session, int batch)
    {
        Batch = batch;

        // On the pinned object heap: ONNX Runtime holds raw pointers into these for the object's life.
        Images = GC.AllocateArray<float>(batch * LeNetClassifier.PixelsPerImage, pinned: true);
        Logits = GC.AllocateArray<float>(batch * LeNetClassifier.ClassCount, pinned: true);
        Probabilities = GC.AllocateArray<float>(batch * LeNetClassifier.ClassCount, pinned: true);
        var disposables = new List<IDisposable>(4);
        try
        {
            images = Track(OrtValue.CreateTensorValueFromMemory(Images, [batch, 1, LeNetClassifier.ImageSize, LeNetClassifier.ImageSize]), disposables);
            logits = Track(OrtValue.CreateTensorValueFromMemory(Logits, [batch, LeNetClassifier.ClassCount]), disposables);
            probabilities = Track(OrtValue.CreateTensorValueFromMemory(Probabilities, [batch, LeNetClassifier.ClassCount]), disposables);
            binding = Track(session.CreateIoBinding(), disposables);
            binding.BindInput(ModelContract.ImageInput, images);
            binding.BindOutput(ModelContract.LogitsOutput, logits);
            binding.BindOutput(ModelContract.ProbabilitiesOutput, probabilities);
        }
        catch
        {
            foreach (IDisposable disposable in disposables)
            {
                disposable.Dispose();
            }

            throw;
        }
    }

    /// <summary>The number of images of every run.</summary>
    public int Batch { get; }

    /// <summary>The input: <see cref="Batch"/> images of pixel/255, row-major, written by the caller before <see cref="Run"/>.</summary>
    public float[] Images { get; }

    /// <summary>The logits of the last run.</summary>
    public float[] Logits { get; }

    /// <summary>The probabilities of the last run.</summary>
    public float[] Probabilities { get; }

    /// <summary>Copies images given as pixel/255 floats into <see cref="Images"/>, from its first image on.</summary>
    public void Write(ReadOnlySpan<float> images) => images.CopyTo(Images);

    /// <summary>Writes images given as raw 0..255 pixels into <see cref="Images"/> as pixel/255, from its first image on.</summary>
    public void Write(ReadOnlySpan<byte> images) => PixelScale.Scale(images, Images);

    /// <summary>Runs the session on <see cref="Images"/>, filling <see cref="Logits"/> and <see cref="Probabilities"/>.</summary>
    public void Run(InferenceSession session, RunOptions options) => session.RunWithBinding(options, binding);

    public void Dispose()
    {
        binding.Dispose();
        images.Dispose();
        logits.Dispose();
        probabilities.Dispose();
    }

    private static T Track<T>(T disposable, List<IDisposable> disposables)
        where T : IDisposable
    {
        disposables.Add(disposable);
        return disposable;
    }
}
