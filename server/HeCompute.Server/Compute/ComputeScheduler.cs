using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Server.Options;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Compute;

/// <summary>
/// The server's <see cref="IComputeScheduler"/>: a queue of at most <c>QueueCapacity</c> waiting items and
/// <c>Workers</c> dedicated threads, each computation given <c>ThreadsPerItem</c> threads for the engine's limb
/// parallelism (its worker plus helpers from a fixed pool of <c>Workers × (ThreadsPerItem − 1)</c> threads). Nothing runs on the thread pool, so however many requests want
/// compute, at most the core budget is busy with it and Kestrel keeps answering. Stopping the host cancels what waits
/// and what runs.
/// </summary>
public sealed partial class ComputeScheduler : IComputeScheduler, IHostedService, IDisposable
{
    private const int Queued = 0;
    private const int Running = 1;
    private const int Abandoned = 2;

    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ComputeOptions _options;
    private readonly HeComputeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ComputeScheduler> _logger;
    private readonly LimbTaskScheduler _limbs;
    private readonly TaskCompletionSource[] _workersDone;
    private readonly ConcurrentDictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private int _waiting;
    private long _meanRunTicks;
    private int _started;
    private int _disposed;

    /// <summary>Creates the scheduler from <c>HeCompute:Compute</c>; its threads start with the host.</summary>
    public ComputeScheduler(IOptions<HeComputeServerOptions> options, HeComputeMetrics metrics, TimeProvider time, ILogger<ComputeScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Compute;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _limbs = new LimbTaskScheduler(_options.Workers * (_options.ThreadsPerItem - 1), metrics);
        _workersDone = new TaskCompletionSource[_options.Workers];
        for (var i = 0; i < _workersDone.Length; i++)
        {
            _workersDone[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Items waiting for a worker.</summary>
    public int QueueLength => Volatile.Read(ref _waiting);

    /// <inheritdoc/>
    public Task<T> RunAsync<T>(ComputeRequest request, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Kind);
        if (request.Deadline is { } deadline)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero);
        }

        cancellationToken.ThrowIfCancellationRequested();
        _stopping.Token.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _waiting) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _waiting);
            _metrics.RecordComputeRejected(request.Kind);
            throw new ComputeQueueFullException(request.Kind, _options.QueueCapacity, RetryAfter());
        }

        if (request.TenantId is { } tenant && !TryAdmitTenant(tenant))
        {
            Interlocked.Decrement(ref _waiting);
            _metrics.RecordComputeTenantRejected(request.Kind);
            throw new ComputeTenantShareExceededException(request.Kind, _options.MaxItemsPerTenant, RetryAfter());
        }

        _metrics.RecordComputeQueued(request.Kind, 1);
        var item = new WorkItem<T>(this, request, work, cancellationToken);
        item.Arm();
        if (!_queue.Writer.TryWrite(item))
        {
            // Stopped since the check above: the item is abandoned as if it had been queued.
            item.Abandon();
            item.Release();
        }

        return item.Task;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }

        for (var i = 0; i < _options.Workers; i++)
        {
            var done = _workersDone[i];
            _limbs.StartThread($"hecompute-compute-{i}", () => Work(done));
        }

        LogStarted(_logger, _options.Workers, _options.ThreadsPerItem, _options.QueueCapacity);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _started) == 0)
        {
            _limbs.Dispose();
            return;
        }

        try
        {
            await Task.WhenAll(_workersDone.Select(d => d.Task)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A computation that ignores its token outlives the host's stop timeout; its thread is a background thread.
            LogStopTimedOut(_logger);
            return;
        }

        _limbs.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The stop source is cancelled, not disposed: it holds no timer, and a host may still call StopAsync (or a late
        // request RunAsync) after disposing its services, which must then see a stopped scheduler, not a disposed one.
        _queue.Writer.TryComplete();
        _stopping.Cancel();
    }

    private void Work(TaskCompletionSource done)
    {
        try
        {
            var reader = _queue.Reader;
            // Blocking is the point: this thread exists only to compute, and waits for work without an async hop.
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var item))
                {
                    item.Execute();
                }
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private void LeftQueue(WorkItem item)
    {
        Interlocked.Decrement(ref _waiting);
        _metrics.RecordComputeQueued(item.Kind, -1);
    }

    /// <summary>Counts one more item for <paramref name="tenant"/> unless it already holds its share.</summary>
    private bool TryAdmitTenant(string tenant)
    {
        while (true)
        {
            var held = _perTenant.GetOrAdd(tenant, 0);
            if (held >= _options.MaxItemsPerTenant)
            {
                return false;
            }

            if (_perTenant.TryUpdate(tenant, held + 1, held))
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a tenant's item (dropped from the queue, or done running).</summary>
    private void ReleaseTenant(string tenant)
    {
        while (true)
        {
            var held = _perTenant[tenant];
            if (held == 1 ? _perTenant.TryRemove(new KeyValuePair<string, int>(tenant, 1)) : _perTenant.TryUpdate(tenant, held - 1, held))
            {
                return;
            }
        }
    }

    private void Ran(TimeSpan duration)
    {
        // An exponential mean of run times, for Retry-After; races between workers only blur it.
        var previous = Volatile.Read(ref _meanRunTicks);
        Volatile.Write(ref _meanRunTicks, previous == 0 ? duration.Ticks : previous + ((duration.Ticks - previous) / 8));
    }

    /// <summary>Roughly when a full queue has room again: a queue's worth of mean run time spread over the workers.</summary>
    private TimeSpan RetryAfter()
    {
        var seconds = TimeSpan.FromTicks(Volatile.Read(ref _meanRunTicks)).TotalSeconds * _options.QueueCapacity / _options.Workers;
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(seconds), 1, 60));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compute scheduler started: {Workers} workers × {ThreadsPerItem} threads, queue of {QueueCapacity}")]
    private static partial void LogStarted(ILogger logger, int workers, int threadsPerItem, int queueCapacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compute scheduler stopped while computations were still running (they ignored their cancellation)")]
    private static partial void LogStopTimedOut(ILogger logger);

    /// <summary>A queued computation: its state, its tokens and how it completes.</summary>
    private abstract class WorkItem
    {
        private readonly CancellationTokenSource? _deadline;
        private readonly CancellationTokenSource _linked;
        private readonly ExecutionContext? _context;
        private readonly long _queuedAt = Stopwatch.GetTimestamp();
        private CancellationTokenRegistration _registration;
        private int _state = Queued;
        private int _tenantReleased;
        private int _settled;
        private string _outcome = "failed";

        protected WorkItem(ComputeScheduler scheduler, ComputeRequest request, CancellationToken cancellationToken)
        {
            Scheduler = scheduler;
            Request = request;
            CallerToken = cancellationToken;
            _context = ExecutionContext.Capture();
            // The deadline's clock starts now: the time budget covers the wait for a worker.
            _deadline = request.Deadline is { } deadline ? new CancellationTokenSource(deadline, scheduler._time) : null;
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, scheduler._stopping.Token, _deadline?.Token ?? CancellationToken.None);
        }

        public string Kind => Request.Kind;

        private ComputeScheduler Scheduler { get; }

        private ComputeRequest Request { get; }

        private CancellationToken CallerToken { get; }

        private bool IsDeadline => _deadline is { IsCancellationRequested: true } && !CallerToken.IsCancellationRequested;

        /// <summary>Releases the caller as soon as any of its tokens fires, whether the work has started or not.</summary>
        public void Arm() => _registration = _linked.Token.UnsafeRegister(static state => ((WorkItem)state!).Abandon(), this);

        /// <summary>
        /// Releases the caller with the reason a token fired. Still queued: the item is dropped without running. Running:
        /// the work sees its token, and the caller does not wait for it to notice.
        /// </summary>
        public void Abandon()
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued)
            {
                Scheduler.LeftQueue(this);
                ReleaseTenant();
            }

            Fail();
        }

        /// <summary>
        /// Gives the item back to its tenant's share, once: when it leaves the queue unrun, or when its work returns
        /// (a running item holds a worker until then, even after its caller was released).
        /// </summary>
        private void ReleaseTenant()
        {
            if (Request.TenantId is { } tenant && Interlocked.Exchange(ref _tenantReleased, 1) == 0)
            {
                Scheduler.ReleaseTenant(tenant);
            }
        }

        /// <summary>Disposes the item's tokens (once it ran or was dropped).</summary>
        public void Release()
        {
            _registration.Dispose();
            _linked.Dispose();
            _deadline?.Dispose();
        }

        /// <summary>Runs the item on the calling worker thread, unless it was cancelled first; then releases its tokens.</summary>
        public void Execute()
        {
            try
            {
                if (_linked.IsCancellationRequested)
                {
                    Abandon();
                    return;
                }

                if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
                {
                    return;
                }

                Scheduler.LeftQueue(this);
                var metrics = Scheduler._metrics;
                metrics.RecordComputeWait(Kind, Stopwatch.GetElapsedTime(_queuedAt));
                metrics.RecordComputeRunning(Kind, 1);
                metrics.RecordComputeThreadBusy(1);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    // The caller's execution context (logging scopes, activities) flows into the work, as with Task.Run.
                    if (_context is null)
                    {
                        Invoke();
                    }
                    else
                    {
                        ExecutionContext.Run(_context, static state => ((WorkItem)state!).Invoke(), this);
                    }
                }
                finally
                {
                    var duration = Stopwatch.GetElapsedTime(started);
                    ReleaseTenant();
                    Scheduler.Ran(duration);
                    metrics.RecordComputeThreadBusy(-1);
                    metrics.RecordComputeRunning(Kind, -1);
                    metrics.RecordComputeRun(Kind, _outcome, duration);
                }
            }
            finally
            {
                Release();
            }
        }

        /// <summary>Runs the work; the result goes to the caller only if <see cref="TrySettle"/> lets it.</summary>
        protected abstract void Run(CancellationToken cancellationToken);

        protected abstract void SetFailed(Exception exception);

        protected abstract void SetCanceled(CancellationToken cancellationToken);

        /// <summary>
        /// Claims the caller's outcome. A result, a failure and a cancellation can race (the work returning as its deadline
        /// fires); only the first claim completes the caller, so that what is reported (the deadline metric) is done by
        /// the winner before the caller can see the outcome.
        /// </summary>
        protected bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;

        /// <summary>Runs the work within the item's share of the engine's parallelism and notes how it ended.</summary>
        private void Invoke()
        {
            using var scope = EngineParallelism.Enter(Scheduler._options.ThreadsPerItem, Scheduler._limbs);
            try
            {
                Run(_linked.Token);
                _outcome = "completed";
            }
            catch (OperationCanceledException) when (_linked.IsCancellationRequested)
            {
                Fail();
                _outcome = IsDeadline ? "deadline-exceeded" : "cancelled";
            }
            catch (Exception ex)
            {
                if (TrySettle())
                {
                    SetFailed(ex);
                }
            }
        }

        /// <summary>Completes the caller's task with the reason its tokens fired (once: later calls do nothing).</summary>
        private void Fail()
        {
            if (!TrySettle())
            {
                return;
            }

            if (!IsDeadline)
            {
                SetCanceled(CallerToken.IsCancellationRequested ? CallerToken : Scheduler._stopping.Token);
            }
            else
            {
                Scheduler._metrics.RecordComputeDeadlineExceeded(Kind);
                SetFailed(new ComputeDeadlineExceededException(Kind, Request.Deadline!.Value));
            }
        }
    }

    private sealed class WorkItem<T>(ComputeScheduler scheduler, ComputeRequest request, Func<CancellationToken, T> work, CancellationToken cancellationToken)
        : WorkItem(scheduler, request, cancellationToken)
    {
        // Continuations go back to the thread pool: they must never run on, and hold up, a compute thread.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        protected override void Run(CancellationToken cancellationToken)
        {
            var result = work(cancellationToken);
            if (TrySettle())
            {
                _completion.SetResult(result);
            }
        }

        protected override void SetFailed(Exception exception) => _completion.SetException(exception);

        protected override void SetCanceled(CancellationToken cancellationToken) => _completion.SetCanceled(cancellationToken);
    }
}
