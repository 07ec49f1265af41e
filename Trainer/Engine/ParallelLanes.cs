using System.Runtime.ExceptionServices;

namespace LeNetOnnx.Trainer.Engine;

/// <summary>
/// Runs one piece of work per lane at the same time: lane 0 on the calling thread, every other
/// lane on its own long-lived thread, woken per call. Made for steps of milliseconds repeated
/// thousands of times: no task, closure or allocation per call.
/// </summary>
/// <remarks>
/// The protocol, which is all the synchronization the work needs: <see cref="Run"/> hands every
/// lane the same <typeparamref name="TOrder"/>, written before any lane starts (a lane's start
/// event is set after the write, and setting and waiting on an event are full fences), and
/// returns only when every lane has signalled that it is done (the same fence the other way), so
/// whatever the lanes wrote is visible to the caller afterwards. Between two runs no lane runs;
/// during a run the caller's thread is lane 0 and touches nothing else. Anything the work reads
/// that the order does not carry must likewise be written only between runs.
/// </remarks>
/// <typeparam name="TOrder">What a run asks of every lane.</typeparam>
internal sealed class ParallelLanes<TOrder> : IDisposable
{
    private readonly Action<int, TOrder> work;
    private readonly Lane[] lanes;
    private TOrder order = default!;

    /// <param name="count">Lanes, 1 or more; lane 0 is the caller's thread.</param>
    /// <param name="work">Called with the lane number and the run's order, once per lane per <see cref="Run"/>.</param>
    public ParallelLanes(int count, Action<int, TOrder> work)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        this.work = work;
        lanes = new Lane[count - 1];
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = new Lane(this, i + 1);
        }
    }

    /// <summary>Runs <c>work(lane, order)</c> for every lane in parallel and returns when all are done; rethrows the first failure.</summary>
    public void Run(TOrder order)
    {
        this.order = order;
        foreach (Lane lane in lanes)
        {
            lane.Start();
        }

        Exception? failure = null;
        try
        {
            work(0, order);
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
        private readonly ParallelLanes<TOrder> owner;
        private readonly int number;
        private readonly ManualResetEventSlim start = new(false, spinCount: 2000);
        private readonly ManualResetEventSlim done = new(true, spinCount: 2000);
        private readonly Thread thread;
        private volatile bool stopping;
        private Exception? failure;

        public Lane(ParallelLanes<TOrder> owner, int number)
        {
            this.owner = owner;
            this.number = number;
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
                    owner.work(number, owner.order);
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
