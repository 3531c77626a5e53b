using System.Collections.Concurrent;
using HeCompute.Server.Telemetry;

namespace HeCompute.Server.Compute;

/// <summary>
/// The engine's limb work for compute items, on a fixed set of dedicated helper threads (never the thread pool that
/// serves requests). A compute thread that waits on a limb task may run it inline; any other thread only queues it.
/// </summary>
internal sealed class LimbTaskScheduler : TaskScheduler, IDisposable
{
    [ThreadStatic]
    private static LimbTaskScheduler? _ownerOfCurrentThread;

    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread[] _threads;
    private readonly HeComputeMetrics _metrics;
    private int _disposed;

    /// <summary>Starts <paramref name="threads"/> helper threads (0 when every computation is single-threaded).</summary>
    public LimbTaskScheduler(int threads, HeComputeMetrics metrics)
    {
        _metrics = metrics;
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = StartThread($"hecompute-limb-{i}", Drain);
        }
    }

    /// <inheritdoc/>
    public override int MaximumConcurrencyLevel => Math.Max(1, _threads.Length);

    /// <summary>Starts a dedicated background thread owned by this scheduler (its limb tasks may run inline on it).</summary>
    public Thread StartThread(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            _ownerOfCurrentThread = this;
            body();
        })
        {
            IsBackground = true,
            Name = name,
            // Requests should win the CPU over compute whenever both want it (honoured where the OS allows it).
            Priority = ThreadPriority.BelowNormal,
        };
        // The host's execution context (activities, scopes) belongs to whoever built the scheduler, not to the work.
        thread.UnsafeStart();
        return thread;
    }

    /// <summary>Stops taking tasks and waits for the helper threads to finish the one each is running.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _tasks.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _tasks.Dispose();
    }

    /// <inheritdoc/>
    protected override void QueueTask(Task task)
    {
        if (_threads.Length == 0)
        {
            throw new InvalidOperationException("The compute scheduler has no limb helper threads (ThreadsPerItem is 1); limb work must run on the calling thread.");
        }

        _metrics.RecordComputeLimbTask();
        _tasks.Add(task);
    }

    /// <inheritdoc/>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        ReferenceEquals(_ownerOfCurrentThread, this) && TryExecuteTask(task);

    /// <inheritdoc/>
    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Drain()
    {
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            _metrics.RecordComputeThreadBusy(1);
            try
            {
                TryExecuteTask(task);
            }
            finally
            {
                _metrics.RecordComputeThreadBusy(-1);
            }
        }
    }
}
