using System.Globalization;

namespace LeNetOnnx.Cli;

/// <summary>A one-line progress bar redrawn in place when the output is a terminal; silent otherwise.</summary>
internal sealed class ProgressLine(TextWriter output)
{
    private readonly bool enabled = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private long lastDraw;

    public void Update(int step, int steps, float loss)
    {
        long now = Environment.TickCount64;
        if (!enabled || (step != steps && now - lastDraw < 100))
        {
            return;
        }

        lastDraw = now;
        const int width = 30;
        int done = (int)((long)width * step / steps);
        output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', done)}{new string('.', width - done)}] {step}/{steps} loss {loss:F4}"));
    }

    public void Clear()
    {
        if (enabled)
        {
            output.Write("\r" + new string(' ', 70) + "\r");
        }
    }
}
