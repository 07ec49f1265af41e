using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNetOnnx.TorchSharpPeer;

/// <summary>One training epoch's time and the test accuracy after it.</summary>
internal sealed record EpochFigure(int Epoch, double Seconds, double TestAccuracy);

/// <summary>
/// The d2l loop and the inference measurements in TorchSharp, as tools/torch_bench.py does them in
/// PyTorch: whole epochs (shuffle, batches, forward, backward, SGD step, test evaluation), then
/// batches of 256 back to back, then one image per call. Every step and call runs in a dispose
/// scope, TorchSharp's documented way to free a step's tensors at once.
/// </summary>
internal sealed class PeerRun(D2lLeNet module, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
{
    public List<EpochFigure> Train(int epochs, int batch, double learningRate, long seed)
    {
        using var optimizer = optim.SGD(module.parameters(), learningRate);
        using var generator = new Generator().manual_seed(seed);
        long count = trainLabels.shape[0];
        var figures = new List<EpochFigure>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            module.train();
            using (Tensor order = randperm(count, generator: generator))
            {
                for (long start = 0; start < count; start += batch)
                {
                    using DisposeScope scope = NewDisposeScope();
                    Tensor rows = order.narrow(0, start, Math.Min(batch, count - start));
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(module.forward(trainImages.index_select(0, rows)), trainLabels.index_select(0, rows));
                    loss.backward();
                    optimizer.step();
                }
            }

            double accuracy = Evaluate(batch);
            figures.Add(new EpochFigure(epoch, clock.Elapsed.TotalSeconds, accuracy));
        }

        return figures;
    }

    public double Evaluate(int batch)
    {
        module.eval();
        using IDisposable noGrad = no_grad();
        long count = testLabels.shape[0];
        long correct = 0;
        for (long start = 0; start < count; start += batch)
        {
            using DisposeScope scope = NewDisposeScope();
            long size = Math.Min(batch, count - start);
            Tensor predicted = module.forward(testImages.narrow(0, start, size)).argmax(1);
            correct += predicted.eq(testLabels.narrow(0, start, size)).sum().item<long>();
        }

        return (double)correct / count;
    }

    /// <summary>Images per second at <paramref name="batch"/>, batches back to back for <paramref name="seconds"/>.</summary>
    public double Throughput(int batch, double seconds)
    {
        module.eval();
        using IDisposable noGrad = no_grad();
        long batches = testImages.shape[0] / batch;
        for (long b = 0; b < Math.Min(batches, 4); b++)
        {
            using DisposeScope scope = NewDisposeScope();
            module.forward(testImages.narrow(0, b * batch, batch));
        }

        long done = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (long b = 0; b < batches; b++)
            {
                using DisposeScope scope = NewDisposeScope();
                module.forward(testImages.narrow(0, b * batch, batch));
            }

            done += batches * batch;
        }

        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Single-image latencies in microseconds, one call after another for <paramref name="seconds"/>.</summary>
    public double[] SingleImageMicroseconds(double seconds)
    {
        module.eval();
        using IDisposable noGrad = no_grad();
        long count = testImages.shape[0];
        for (long i = 0; i < 1000; i++)
        {
            using DisposeScope scope = NewDisposeScope();
            module.forward(testImages.narrow(0, i % count, 1));
        }

        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        for (long i = 0; clock.Elapsed.TotalSeconds < seconds; i++)
        {
            long started = Stopwatch.GetTimestamp();
            using (NewDisposeScope())
            {
                module.forward(testImages.narrow(0, i % count, 1));
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        double[] sorted = [.. latencies];
        Array.Sort(sorted);
        return sorted;
    }
}
