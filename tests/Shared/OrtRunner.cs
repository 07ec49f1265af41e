using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Tests;

/// <summary>Runs an inference model in ONNX Runtime (CPU) and returns its two outputs.</summary>
internal static class OrtRunner
{
    public static (float[] Logits, float[] Probabilities, long[] LogitsShape) Run(byte[] model, float[] images, int batch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(images, [batch, 1, 28, 28]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["image"], [input], ["logits", "probabilities"]);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray(), shape);
    }

    public static float[] RandomImages(int batch, int seed)
    {
        var random = new Random(seed);
        float[] images = new float[batch * 28 * 28];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = random.Next(256) / 255f;
        }

        return images;
    }
}
