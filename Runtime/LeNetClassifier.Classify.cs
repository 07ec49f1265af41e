using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime;

/// <content>Classifying: span-first batch calls, single-image conveniences and the run itself.</content>
public sealed partial class LeNetClassifier
{
    /// <summary>Classifies a batch of images given as pixel/255.</summary>
    /// <param name="images">N images of <see cref="PixelsPerImage"/> values each, row-major, pixel/255 (0 = background, 1 = ink); every value finite.</param>
    /// <param name="logits">Receives N x <see cref="ClassCount"/> logits; exactly that long.</param>
    /// <param name="probabilities">Receives N x <see cref="ClassCount"/> probabilities (softmax of the logits); exactly that long.</param>
    /// <exception cref="ArgumentException">A length is wrong or a pixel is NaN or infinite; the message names the parameter and index.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public void Classify(ReadOnlySpan<float> images, Span<float> logits, Span<float> probabilities)
    {
        int batch = BatchOf(images.Length, logits.Length, probabilities.Length);
        RunFloats(batch, images, nameof(images), logits, probabilities);
    }

    /// <summary>Classifies a batch of images given as raw 0..255 pixels (as in the IDX files); each becomes pixel/255.</summary>
    /// <param name="images">N images of <see cref="PixelsPerImage"/> bytes each, row-major.</param>
    /// <param name="logits">Receives N x <see cref="ClassCount"/> logits; exactly that long.</param>
    /// <param name="probabilities">Receives N x <see cref="ClassCount"/> probabilities; exactly that long.</param>
    /// <exception cref="ArgumentException">A length is wrong; the message names the parameter.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public void Classify(ReadOnlySpan<byte> images, Span<float> logits, Span<float> probabilities)
    {
        int batch = BatchOf(images.Length, logits.Length, probabilities.Length);
        RunBatch(batch, images, logits, probabilities);
    }

    /// <summary>Classifies one image (pixel/255) and returns its label: the class with the largest logit.</summary>
    /// <param name="image">Exactly <see cref="PixelsPerImage"/> finite values, row-major, pixel/255.</param>
    /// <returns>The label, an index into <see cref="Labels"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length or a non-finite pixel.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public int Predict(ReadOnlySpan<float> image)
    {
        CheckOneImage(image.Length, nameof(image));
        Span<float> logits = stackalloc float[ClassCount];
        Span<float> probabilities = stackalloc float[ClassCount];
        RunFloats(1, image, nameof(image), logits, probabilities);
        return ArgMax(logits);
    }

    /// <summary>Classifies one image of raw 0..255 pixels and returns its label: the class with the largest logit.</summary>
    /// <param name="image">Exactly <see cref="PixelsPerImage"/> bytes, row-major.</param>
    /// <returns>The label, an index into <see cref="Labels"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public int Predict(ReadOnlySpan<byte> image)
    {
        CheckOneImage(image.Length, nameof(image));
        Span<float> logits = stackalloc float[ClassCount];
        Span<float> probabilities = stackalloc float[ClassCount];
        Classify(image, logits, probabilities);
        return ArgMax(logits);
    }

    /// <summary>Classifies one image (pixel/255) into a <see cref="Prediction"/>; allocates the result.</summary>
    /// <param name="image">Exactly <see cref="PixelsPerImage"/> finite values, row-major, pixel/255.</param>
    /// <returns>The label, its name, its probability and all probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length or a non-finite pixel.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public Prediction Classify(ReadOnlySpan<float> image)
    {
        CheckOneImage(image.Length, nameof(image));
        Span<float> logits = stackalloc float[ClassCount];
        float[] probabilities = new float[ClassCount];
        RunFloats(1, image, nameof(image), logits, probabilities);
        return ToPrediction(logits, probabilities);
    }

    /// <summary>Classifies one image of raw 0..255 pixels into a <see cref="Prediction"/>; allocates the result.</summary>
    /// <param name="image">Exactly <see cref="PixelsPerImage"/> bytes, row-major.</param>
    /// <returns>The label, its name, its probability and all probabilities.</returns>
    /// <exception cref="ArgumentException"><paramref name="image"/> has the wrong length.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public Prediction Classify(ReadOnlySpan<byte> image)
    {
        CheckOneImage(image.Length, nameof(image));
        Span<float> logits = stackalloc float[ClassCount];
        float[] probabilities = new float[ClassCount];
        Classify(image, logits, probabilities);
        return ToPrediction(logits, probabilities);
    }

    private static void CheckOneImage(int length, string paramName)
    {
        if (length != PixelsPerImage)
        {
            Throw.ImageLengthInvalid(paramName, length);
        }
    }

    private Prediction ToPrediction(ReadOnlySpan<float> logits, float[] probabilities)
    {
        int label = ArgMax(logits);
        return new Prediction(label, Labels[label], probabilities[label], probabilities);
    }

    private static int BatchOf(int imagesLength, int logitsLength, int probabilitiesLength)
    {
        if (imagesLength == 0 || imagesLength % PixelsPerImage != 0)
        {
            Throw.ImagesLengthInvalid("images", imagesLength);
        }

        int batch = imagesLength / PixelsPerImage;
        if (logitsLength != batch * ClassCount)
        {
            Throw.DestinationLengthInvalid("logits", logitsLength, batch);
        }

        if (probabilitiesLength != batch * ClassCount)
        {
            Throw.DestinationLengthInvalid("probabilities", probabilitiesLength, batch);
        }

        return batch;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // x - x is 0 for every finite x and NaN for NaN and the infinities: one subtraction and
        // compare per vector; the scalar loop then finds the exact index.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values[i..]);
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Checks that every pixel is finite, then runs the batch.</summary>
    private void RunFloats(int batch, ReadOnlySpan<float> images, string imagesName, Span<float> logits, Span<float> probabilities)
    {
        int bad = IndexOfNonFinite(images);
        if (bad >= 0)
        {
            Throw.PixelNotFinite(imagesName, bad, images[bad]);
        }

        RunBatch(batch, images, logits, probabilities);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> images (floats of pixel/255 or raw bytes) on pooled bound runs:
    /// whole, or in parallel slices when it is large enough and no other call is splitting.
    /// </summary>
    private void RunBatch<TPixel>(int batch, ReadOnlySpan<TPixel> images, Span<float> logits, Span<float> probabilities)
        where TPixel : unmanaged
    {
        gate.Enter();
        try
        {
            int slices = SliceCount(batch);
            if (slices > 1 && sliced is not null && Monitor.TryEnter(sliced))
            {
                try
                {
                    RunSliced(sliced, slices, batch, images, logits, probabilities);
                }
                finally
                {
                    Monitor.Exit(sliced);
                }

                return;
            }

            BoundRun run = runs.Rent(batch);
            try
            {
                Write(images, run);
                long started = Stopwatch.GetTimestamp();
                run.Run(session, runOptions);
                metrics.Ran(batch, started);
                run.Logits.CopyTo(logits);
                run.Probabilities.CopyTo(probabilities);
            }
            finally
            {
                runs.Return(run);
            }
        }
        finally
        {
            // The gate opens last, so Dispose never frees a session or a run in use.
            gate.Exit();
        }
    }

    /// <summary>
    /// How many slices a batch is cut into: at least <c>BatchSlices</c> (one per thread that runs
    /// them), more when that keeps slices at <see cref="SliceImages"/> images, whose activations
    /// stay in a core's cache; never slices under <see cref="LeNetClassifierOptions.MinImagesPerSlice"/>.
    /// </summary>
    private int SliceCount(int batch)
    {
        if (sliced is null)
        {
            return 1;
        }

        int wanted = Math.Max(batchSlices, (batch + SliceImages - 1) / SliceImages);
        return Math.Min(Math.Min(wanted, sliced.Capacity), batch / LeNetClassifierOptions.MinImagesPerSlice);
    }

    /// <summary>Cuts the batch into <paramref name="slices"/> near-equal slices, runs them in parallel and gathers their scores.</summary>
    private unsafe void RunSliced<TPixel>(SlicedRun work, int slices, int batch, ReadOnlySpan<TPixel> images, Span<float> logits, Span<float> probabilities)
        where TPixel : unmanaged
    {
        try
        {
            int offset = 0;
            for (int k = 0; k < slices; k++)
            {
                int size = (batch / slices) + (k < batch % slices ? 1 : 0);
                work.Add(runs.Rent(size), offset);
                offset += size;
            }

            long started = Stopwatch.GetTimestamp();
            fixed (TPixel* pixels = images)
            {
                work.RunAll(session, runOptions, pixels, typeof(TPixel) == typeof(byte));
            }

            metrics.Ran(batch, started);
            offset = 0;
            for (int k = 0; k < work.Count; k++)
            {
                BoundRun run = work[k];
                run.Logits.CopyTo(logits.Slice(offset * ClassCount, run.Batch * ClassCount));
                run.Probabilities.CopyTo(probabilities.Slice(offset * ClassCount, run.Batch * ClassCount));
                offset += run.Batch;
            }
        }
        finally
        {
            for (int k = 0; k < work.Count; k++)
            {
                runs.Return(work[k]);
            }

            work.Clear();
        }
    }

    /// <summary>Writes images given as floats (pixel/255) or raw bytes into a run's input.</summary>
    private static void Write<TPixel>(ReadOnlySpan<TPixel> images, BoundRun run)
        where TPixel : unmanaged
    {
        // One of the two branches survives in each instantiation: the JIT specializes value types.
        if (typeof(TPixel) == typeof(byte))
        {
            run.Write(MemoryMarshal.Cast<TPixel, byte>(images));
        }
        else
        {
            run.Write(MemoryMarshal.Cast<TPixel, float>(images));
        }
    }
}
