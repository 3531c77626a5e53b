using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Server.Compute;
using HeCompute.Server.Options;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeCompute.Server.Tests;

/// <summary>The compute scheduler on its own: budget, deadlines, cancellation, admission and stop.</summary>
public sealed class ComputeSchedulerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_burst_never_runs_more_items_or_threads_than_the_budget_and_never_on_the_thread_pool()
    {
        await using var harness = await Harness.StartAsync(workers: 2, threadsPerItem: 2, queueCapacity: 64);
        // NTT-heavy work at N = 8192 with 3 limbs: above the engine's threshold for limb parallelism.
        var context = Parameters.Create(new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60])));
        using var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var relinKeys = keygen.CreateRelinKeys();
        var encoder = new Encoder(context);
        var encryptor = new Encryptor(context, publicKey);
        using var plain = new Plaintext();
        encoder.Encode(Enumerable.Repeat(0.5, 16), Math.Pow(2, 40), plain);
        using var a = new Ciphertext();
        encryptor.Encrypt(plain, a);

        var running = 0;
        var maxRunning = 0;
        var itemThreads = new ConcurrentDictionary<int, bool>();
        var degrees = new ConcurrentBag<int>();
        const int Items = 24;
        var results = await Task.WhenAll(Enumerable.Range(0, Items).Select(_ => harness.Scheduler.RunAsync(
            new ComputeRequest("test-burst"),
            _ =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                itemThreads[Environment.CurrentManagedThreadId] = Thread.CurrentThread.IsThreadPoolThread;
                degrees.Add(EngineParallelism.MaxDegreeOfParallelism);
                try
                {
                    var evaluator = new Evaluator(context);
                    using var product = new Ciphertext();
                    evaluator.Multiply(a, a, product);
                    evaluator.RelinearizeInplace(product, relinKeys);
                    evaluator.RescaleToNextInplace(product);
                    return product.Size;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            },
            CancellationToken.None)));

        Assert.All(results, size => Assert.Equal(2UL, size));
        Assert.InRange(maxRunning, 1, 2);
        Assert.InRange(itemThreads.Count, 1, 2);
        Assert.DoesNotContain(true, itemThreads.Values);
        Assert.All(degrees, degree => Assert.Equal(2, degree));
        // The engine's limb work went to the scheduler's helpers, and every busy compute thread was a dedicated one.
        Assert.True(harness.LimbTasks > 0, "the engine queued no limb work on the compute threads");
        Assert.InRange(harness.PeakBusyThreads, 1, 4);
        Assert.InRange(harness.BusyThreadIds.Count, 1, 4);
        Assert.DoesNotContain(true, harness.BusyThreadIds.Values);
    }

    [Fact]
    public async Task The_deadline_cancels_the_work_and_fails_with_a_typed_error()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 4);
        var deadline = TimeSpan.FromMilliseconds(200);
        var call = harness.RunUntilCancelled(new ComputeRequest("predict", deadline), CancellationToken.None, out _, out var tokenSeen);

        var error = await Assert.ThrowsAsync<ComputeDeadlineExceededException>(() => call);
        Assert.Equal("predict", error.Kind);
        Assert.Equal(deadline, error.Deadline);
        Assert.Contains("predict", error.Message, StringComparison.Ordinal);
        Assert.True(await tokenSeen.WaitAsync(Patience));
        // Recorded before the caller's task fails: the caller never sees the failure ahead of the metric.
        Assert.Equal(1, harness.Count("hecompute.compute.deadline_exceeded"));
    }

    [Fact]
    public async Task The_deadline_counts_the_wait_and_an_item_whose_deadline_passes_in_the_queue_never_runs()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 4);
        using var release = new ManualResetEventSlim();
        var blocker = await harness.BlockAsync(release);
        var ran = false;
        var late = harness.Scheduler.RunAsync(new ComputeRequest("predict", TimeSpan.FromMilliseconds(100)), _ => ran = true, CancellationToken.None);

        await Assert.ThrowsAsync<ComputeDeadlineExceededException>(() => late);
        Assert.Equal(0, harness.Scheduler.QueueLength);
        release.Set();
        await blocker.WaitAsync(Patience);
        // The worker has passed the dropped item by the time a later one completes.
        await harness.Scheduler.RunAsync(new ComputeRequest("after"), _ => 0, CancellationToken.None).WaitAsync(Patience);
        Assert.False(ran);
    }

    [Fact]
    public async Task Caller_cancellation_reaches_the_running_work()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 4);
        using var caller = new CancellationTokenSource();
        var call = harness.RunUntilCancelled(new ComputeRequest("statistics"), caller.Token, out var started, out var tokenSeen);
        await started.WaitAsync(Patience);

        await caller.CancelAsync();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(caller.Token, cancelled.CancellationToken);
        Assert.True(await tokenSeen.WaitAsync(Patience));
    }

    [Fact]
    public async Task An_item_cancelled_while_queued_is_dropped_without_running_and_frees_its_place()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 1);
        using var release = new ManualResetEventSlim();
        var blocker = await harness.BlockAsync(release);
        using var caller = new CancellationTokenSource();
        var ran = false;
        var queued = harness.Scheduler.RunAsync(new ComputeRequest("ciphertext-load"), _ => ran = true, caller.Token);
        Assert.Equal(1, harness.Scheduler.QueueLength);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, harness.Scheduler.QueueLength);
        var next = harness.Scheduler.RunAsync(new ComputeRequest("ciphertext-load"), _ => 7, CancellationToken.None);
        release.Set();
        Assert.Equal(7, await next.WaitAsync(Patience));
        await blocker.WaitAsync(Patience);
        Assert.False(ran);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_the_queued_items_still_run()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 2);
        using var release = new ManualResetEventSlim();
        var blocker = await harness.BlockAsync(release);
        var first = harness.Scheduler.RunAsync(new ComputeRequest("predict"), _ => 1, CancellationToken.None);
        var second = harness.Scheduler.RunAsync(new ComputeRequest("predict"), _ => 2, CancellationToken.None);

        // Refused by the call itself, not by a task that fails later.
        var refused = Assert.Throws<ComputeQueueFullException>(() => { _ = harness.Scheduler.RunAsync(new ComputeRequest("predict"), _ => 3, CancellationToken.None); });
        Assert.Equal("predict", refused.Kind);
        Assert.Equal(2, refused.Capacity);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(1, harness.Count("hecompute.compute.rejected"));

        release.Set();
        var results = await Task.WhenAll(first, second).WaitAsync(Patience);
        Assert.Equal(new[] { 1, 2 }, results);
        await blocker.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_tenant_over_its_share_is_refused_at_once_while_another_tenant_still_gets_in()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 8, maxItemsPerTenant: 2);
        using var release = new ManualResetEventSlim();
        // Tenant a holds its share: one item running, one queued.
        var blocker = await harness.BlockAsync(release, "a");
        var queued = harness.Scheduler.RunAsync(new ComputeRequest("predict", TenantId: "a"), _ => 1, CancellationToken.None);

        var refused = Assert.Throws<ComputeTenantShareExceededException>(
            () => { _ = harness.Scheduler.RunAsync(new ComputeRequest("predict", TenantId: "a"), _ => 2, CancellationToken.None); });
        Assert.Equal(("predict", 2), (refused.Kind, refused.Share));
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(1, harness.Count("hecompute.compute.tenant_rejected"));
        Assert.Equal(0, harness.Count("hecompute.compute.rejected"));
        // The refusal took no place in the queue, and other tenants and the server's own work still get in.
        Assert.Equal(1, harness.Scheduler.QueueLength);
        var other = harness.Scheduler.RunAsync(new ComputeRequest("predict", TenantId: "b"), _ => 3, CancellationToken.None);
        var own = harness.Scheduler.RunAsync(new ComputeRequest("model-compile"), _ => 4, CancellationToken.None);

        release.Set();
        Assert.Equal(new[] { 1, 3, 4 }, await Task.WhenAll(queued, other, own).WaitAsync(Patience));
        await blocker.WaitAsync(Patience);
        // Finished items give their places back.
        var again = await Task.WhenAll(
            harness.Scheduler.RunAsync(new ComputeRequest("predict", TenantId: "a"), _ => 5, CancellationToken.None),
            harness.Scheduler.RunAsync(new ComputeRequest("predict", TenantId: "a"), _ => 6, CancellationToken.None)).WaitAsync(Patience);
        Assert.Equal(new[] { 5, 6 }, again);
    }

    [Fact]
    public async Task A_tenant_item_cancelled_while_queued_gives_its_share_back_at_once()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 8, maxItemsPerTenant: 1);
        using var release = new ManualResetEventSlim();
        var blocker = await harness.BlockAsync(release);
        using var caller = new CancellationTokenSource();
        var queued = harness.Scheduler.RunAsync(new ComputeRequest("ciphertext-load", TenantId: "a"), _ => 1, caller.Token);
        Assert.Throws<ComputeTenantShareExceededException>(
            () => { _ = harness.Scheduler.RunAsync(new ComputeRequest("ciphertext-load", TenantId: "a"), _ => 2, CancellationToken.None); });

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        // Still behind the blocker, but admitted: the cancelled item no longer counts.
        var next = harness.Scheduler.RunAsync(new ComputeRequest("ciphertext-load", TenantId: "a"), _ => 3, CancellationToken.None);
        release.Set();
        Assert.Equal(3, await next.WaitAsync(Patience));
        await blocker.WaitAsync(Patience);
    }

    [Fact]
    public async Task Stopping_cancels_queued_and_running_items()
    {
        var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 4);
        await using (harness)
        {
            var running = harness.RunUntilCancelled(new ComputeRequest("statistics"), CancellationToken.None, out var started, out _);
            await started.WaitAsync(Patience);
            var ran = false;
            var queued = harness.Scheduler.RunAsync(new ComputeRequest("statistics"), _ => ran = true, CancellationToken.None);

            using var timeout = new CancellationTokenSource(Patience);
            await harness.Scheduler.StopAsync(timeout.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
            Assert.False(ran);
            Assert.Throws<OperationCanceledException>(() => { _ = harness.Scheduler.RunAsync(new ComputeRequest("late"), _ => 0, CancellationToken.None); });
        }
    }

    [Fact]
    public async Task A_scheduler_disposed_before_the_host_stops_it_stops_quietly_and_refuses_work()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 2, queueCapacity: 4);
        harness.Scheduler.Dispose();
        using var timeout = new CancellationTokenSource(Patience);
        await harness.Scheduler.StopAsync(timeout.Token);
        Assert.Throws<OperationCanceledException>(() => { _ = harness.Scheduler.RunAsync(new ComputeRequest("late"), _ => 0, CancellationToken.None); });
    }

    [Fact]
    public async Task Errors_of_the_work_reach_the_caller_unchanged()
    {
        await using var harness = await Harness.StartAsync(workers: 1, threadsPerItem: 1, queueCapacity: 4);
        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => harness.Scheduler.RunAsync<int>(new ComputeRequest("keyset-load"), _ => throw new InvalidDataException("bad key set"), CancellationToken.None));
        Assert.Equal("bad key set", error.Message);
    }

    [Fact]
    public void The_default_budget_fits_the_processors_and_an_oversubscribing_one_is_refused_on_start()
    {
        var defaults = new ComputeOptions();
        Assert.InRange(defaults.Workers * defaults.ThreadsPerItem, 1, Environment.ProcessorCount);
        var validator = new HeComputeServerOptionsValidator();
        Assert.True(validator.Validate(null, new HeComputeServerOptions()).Succeeded);

        var oversubscribed = validator.Validate(null, new HeComputeServerOptions
        {
            Compute = new ComputeOptions { Workers = Environment.ProcessorCount, ThreadsPerItem = 2 },
        });
        Assert.True(oversubscribed.Failed);
        Assert.Contains("Workers × ThreadsPerItem", oversubscribed.FailureMessage, StringComparison.Ordinal);
        var empty = validator.Validate(null, new HeComputeServerOptions { Compute = new ComputeOptions { QueueCapacity = 0 } });
        Assert.Contains("QueueCapacity", empty.FailureMessage, StringComparison.Ordinal);
        var noShare = validator.Validate(null, new HeComputeServerOptions { Compute = new ComputeOptions { MaxItemsPerTenant = 0 } });
        Assert.Contains("MaxItemsPerTenant", noShare.FailureMessage, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>A started scheduler with its own meter, and what its instruments recorded.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
        private int _busy;
        private int _peakBusy;
        private long _limbTasks;

        private Harness(int workers, int threadsPerItem, int queueCapacity, int maxItemsPerTenant)
        {
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var meterFactory = _services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => OnMeasurement(instrument.Name, value));
            _listener.Start();
            var options = Microsoft.Extensions.Options.Options.Create(new HeComputeServerOptions
            {
                Compute = new ComputeOptions { Workers = workers, ThreadsPerItem = threadsPerItem, QueueCapacity = queueCapacity, MaxItemsPerTenant = maxItemsPerTenant },
            });
            Scheduler = new ComputeScheduler(options, new HeComputeMetrics(meterFactory), TimeProvider.System, NullLogger<ComputeScheduler>.Instance);
        }

        public ComputeScheduler Scheduler { get; }

        public long LimbTasks => Interlocked.Read(ref _limbTasks);

        public int PeakBusyThreads => Volatile.Read(ref _peakBusy);

        /// <summary>Every thread that reported itself busy computing, and whether it was a thread-pool thread.</summary>
        public ConcurrentDictionary<int, bool> BusyThreadIds { get; } = new();

        public static async Task<Harness> StartAsync(int workers, int threadsPerItem, int queueCapacity, int maxItemsPerTenant = 16)
        {
            var harness = new Harness(workers, threadsPerItem, queueCapacity, maxItemsPerTenant);
            await harness.Scheduler.StartAsync(CancellationToken.None);
            return harness;
        }

        public long Count(string instrument) => _counts.GetValueOrDefault(instrument);

        /// <summary>Occupies a worker until <paramref name="release"/> is set; returns the blocking item once it runs.</summary>
        public async Task<Task<int>> BlockAsync(ManualResetEventSlim release, string? tenantId = null)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var blocker = Scheduler.RunAsync(
                new ComputeRequest("blocker", TenantId: tenantId),
                _ =>
                {
                    signal.TrySetResult();
                    release.Wait(Patience);
                    return 0;
                },
                CancellationToken.None);
            await signal.Task.WaitAsync(Patience);
            return blocker;
        }

        /// <summary>
        /// Work that runs until its token is cancelled and then stops as the engine does; <paramref name="started"/>
        /// completes when it runs, <paramref name="tokenSeen"/> with whether its token was cancelled when it woke.
        /// </summary>
        public Task<int> RunUntilCancelled(ComputeRequest request, CancellationToken cancellationToken, out Task started, out Task<bool> tokenSeen)
        {
            var startedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            started = startedSignal.Task;
            tokenSeen = seen.Task;
            return Scheduler.RunAsync<int>(
                request,
                token =>
                {
                    startedSignal.TrySetResult();
                    token.WaitHandle.WaitOne(Patience);
                    seen.TrySetResult(token.IsCancellationRequested);
                    token.ThrowIfCancellationRequested();
                    return 0;
                },
                cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await Scheduler.StopAsync(timeout.Token);
            Scheduler.Dispose();
            _listener.Dispose();
            await _services.DisposeAsync();
        }

        private void OnMeasurement(string name, long value)
        {
            _counts.AddOrUpdate(name, value, (_, total) => total + value);
            if (name == "hecompute.compute.limb.tasks")
            {
                Interlocked.Add(ref _limbTasks, value);
            }
            else if (name == "hecompute.compute.threads.busy")
            {
                // Reported by the compute thread itself, so this is the thread doing the work.
                if (value > 0)
                {
                    BusyThreadIds[Environment.CurrentManagedThreadId] = Thread.CurrentThread.IsThreadPoolThread;
                }

                InterlockedMax(ref _peakBusy, Interlocked.Add(ref _busy, (int)value));
            }
        }
    }
}
