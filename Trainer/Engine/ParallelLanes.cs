using System.Runtime.ExceptionServices;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>
/// Runs one piece of work per lane at the same time: lane 0 on the calling thread, every other
/// lane on its own long-lived thread, woken per call. Made for steps of milliseconds repeated
/// thousands of times: no task, closure or allocation per call.
/// </summary>
internal sealed class ParallelLanes : IDisposable
{
    private readonly Action<int> work;
    private readonly Lane[] lanes;

    /// <param name="count">Lanes, 1 or more; lane 0 is the caller's thread.</param>
    /// <param name="work">Called with the lane number, once per lane per <see cref="Run"/>.</param>
    public ParallelLanes(int count, Action<int> work)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        this.work = work;
        lanes = new Lane[count - 1];
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = new Lane(i + 1, work);
        }
    }

    /// <summary>Runs <c>work(lane)</c> for every lane in parallel and returns when all are done; rethrows the first failure.</summary>
    public void Run()
    {
        foreach (Lane lane in lanes)
        {
            lane.Start();
        }

        Exception? failure = null;
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            failure = e;
        }

        foreach (Lane lane in lanes)
        {
            Exception? laneFailure = lane.WaitDone();
            failure ??= laneFailure;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    public void Dispose()
    {
        foreach (Lane lane in lanes)
        {
            lane.Dispose();
        }
    }

    private sealed class Lane : IDisposable
    {
        private readonly int number;
        private readonly Action<int> work;
        private readonly ManualResetEventSlim start = new(false, spinCount: 2000);
        private readonly ManualResetEventSlim done = new(true, spinCount: 2000);
        private readonly Thread thread;
        private volatile bool stopping;
        private Exception? failure;

        public Lane(int number, Action<int> work)
        {
            this.number = number;
            this.work = work;
            thread = new Thread(Loop) { IsBackground = true, Name = $"training lane {number}" };
            thread.Start();
        }

        public void Start()
        {
            done.Reset();
            start.Set();
        }

        public Exception? WaitDone()
        {
            done.Wait();
            Exception? e = failure;
            failure = null;
            return e;
        }

        public void Dispose()
        {
            done.Wait();
            stopping = true;
            start.Set();
            thread.Join();
            start.Dispose();
            done.Dispose();
        }

        private void Loop()
        {
            while (true)
            {
                start.Wait();
                start.Reset();
                if (stopping)
                {
                    return;
                }

                try
                {
                    work(number);
                }
                catch (Exception e)
                {
                    failure = e;
                }

                done.Set();
            }
        }
    }
}
