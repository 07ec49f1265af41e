using System.Globalization;
using System.Text;
using LeNetOnnx.Builder.IO;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>One training step as <c>steps.csv</c> records it.</summary>
/// <param name="Step">The global step number, 1-based.</param>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Batch">The batch within the epoch, 1-based.</param>
/// <param name="Examples">Examples in the batch.</param>
/// <param name="Loss">The batch's mean training loss before the update.</param>
/// <param name="Correct">Examples of the batch classified right before the update.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
public sealed record StepRecord(long Step, int Epoch, int Batch, int Examples, float Loss, long Correct, float LearningRate);

/// <summary>
/// The per-step record of a run, <c>steps.csv</c> in the run directory: one line per step, the
/// loss exactly as float32 (round-trip digits), for comparing trajectories step by step. It is
/// rewritten whole with every checkpoint, so it always ends at the checkpoint's step.
/// </summary>
public static class StepLog
{
    /// <summary>The file name in the run directory.</summary>
    public const string FileName = "steps.csv";

    /// <summary>The header line.</summary>
    public const string Header = "step,epoch,batch,examples,loss,correct,learning_rate";

    /// <summary>Writes <paramref name="steps"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<StepRecord> steps)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (StepRecord s in steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Step},{s.Epoch},{s.Batch},{s.Examples},{s.Loss:R},{s.Correct},{s.LearningRate:R}\n");
        }

        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The records of <paramref name="path"/> up to global step <paramref name="lastStep"/>; none when the file is missing.</summary>
    /// <exception cref="TrainingException">A line is not a step record.</exception>
    public static List<StepRecord> Read(string path, long lastStep)
    {
        var steps = new List<StepRecord>();
        if (!File.Exists(path))
        {
            return steps;
        }

        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (number == 1 || line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(',');
            var c = CultureInfo.InvariantCulture;
            if (f.Length != 7
                || !long.TryParse(f[0], c, out long step) || !int.TryParse(f[1], c, out int epoch) || !int.TryParse(f[2], c, out int batch)
                || !int.TryParse(f[3], c, out int examples) || !float.TryParse(f[4], c, out float loss) || !long.TryParse(f[5], c, out long correct)
                || !float.TryParse(f[6], c, out float rate))
            {
                throw new TrainingException($"{path}: line {number} is not a step record ({Header}); delete the file or use a new run directory.");
            }

            if (step <= lastStep)
            {
                steps.Add(new StepRecord(step, epoch, batch, examples, loss, correct, rate));
            }
        }

        return steps;
    }
}
