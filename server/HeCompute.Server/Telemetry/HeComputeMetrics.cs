using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HeCompute.Server.Telemetry;

/// <summary>
/// The server's own instruments, on the Meter <c>HeCompute.Server</c>. Request metrics come from ASP.NET Core's
/// instrumentation; these add jobs, key sets, the key cache, the compute scheduler and homomorphic operation counts
/// (which the analytics handlers increment through <see cref="RecordHomomorphicOperations"/>).
/// </summary>
public sealed class HeComputeMetrics
{
    /// <summary>The Meter name to subscribe to.</summary>
    public const string MeterName = "HeCompute.Server";

    private readonly Counter<long> _homomorphicOperations;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _jobsFinished;
    private readonly Counter<long> _keySetsUploaded;
    private readonly Counter<long> _keySetBytes;
    private readonly Counter<long> _keyCacheLookups;
    private readonly UpDownCounter<long> _computeQueued;
    private readonly UpDownCounter<long> _computeRunning;
    private readonly UpDownCounter<long> _computeBusyThreads;
    private readonly Histogram<double> _computeWait;
    private readonly Histogram<double> _computeRun;
    private readonly Counter<long> _computeRejected;
    private readonly Counter<long> _computeDeadlines;
    private readonly Counter<long> _computeLimbTasks;
    private readonly Counter<long> _computeTenantRejected;
    private readonly Counter<long> _rateLimited;

    /// <summary>Creates the instruments.</summary>
    public HeComputeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _homomorphicOperations = meter.CreateCounter<long>("hecompute.he.operations", "{operation}", "Homomorphic operations performed, by operation.");
        _jobDuration = meter.CreateHistogram<double>("hecompute.jobs.duration", "s", "Wall time of job runs, by kind and final state.");
        _jobsFinished = meter.CreateCounter<long>("hecompute.jobs.finished", "{job}", "Jobs that reached a final state, by kind and state.");
        _keySetsUploaded = meter.CreateCounter<long>("hecompute.keysets.uploaded", "{keyset}", "Key sets accepted.");
        _keySetBytes = meter.CreateCounter<long>("hecompute.keysets.bytes", "By", "Bytes of key sets accepted.");
        _keyCacheLookups = meter.CreateCounter<long>("hecompute.keycache.lookups", "{lookup}", "Evaluation key cache lookups, by result (hit or miss).");
        _computeQueued = meter.CreateUpDownCounter<long>("hecompute.compute.queue.length", "{item}", "Compute items waiting for a worker, by kind.");
        _computeRunning = meter.CreateUpDownCounter<long>("hecompute.compute.running", "{item}", "Compute items running, by kind.");
        _computeBusyThreads = meter.CreateUpDownCounter<long>("hecompute.compute.threads.busy", "{thread}", "Dedicated compute threads (workers and limb helpers) busy computing.");
        _computeWait = meter.CreateHistogram<double>("hecompute.compute.wait.duration", "s", "Time compute items waited in the queue before a worker took them, by kind.");
        _computeRun = meter.CreateHistogram<double>("hecompute.compute.run.duration", "s", "Run time of compute items, by kind and outcome (completed, failed, cancelled, deadline-exceeded).");
        _computeRejected = meter.CreateCounter<long>("hecompute.compute.rejected", "{item}", "Compute items refused because the queue was full, by kind.");
        _computeDeadlines = meter.CreateCounter<long>("hecompute.compute.deadline_exceeded", "{item}", "Compute items whose deadline passed, by kind.");
        _computeLimbTasks = meter.CreateCounter<long>("hecompute.compute.limb.tasks", "{task}", "Limb-parallel tasks the engine queued on the compute threads.");
        _computeTenantRejected = meter.CreateCounter<long>(
            "hecompute.compute.tenant_rejected", "{item}", "Compute items refused because their tenant held its share of the scheduler, by kind.");
        _rateLimited = meter.CreateCounter<long>("hecompute.ratelimit.rejected", "{request}", "Requests refused by a rate limit, by policy (default or heavy).");
    }

    /// <summary>Counts homomorphic operations (e.g. <c>multiply</c>, <c>relinearize</c>, <c>rotate</c>, <c>rescale</c>).</summary>
    public void RecordHomomorphicOperations(string operation, long count = 1) =>
        _homomorphicOperations.Add(count, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Records one job run.</summary>
    public void RecordJob(string kind, string state, TimeSpan duration)
    {
        var tags = new TagList { { "kind", kind }, { "state", state } };
        _jobDuration.Record(duration.TotalSeconds, tags);
        _jobsFinished.Add(1, tags);
    }

    /// <summary>Records an accepted key set.</summary>
    public void RecordKeySetUploaded(long bytes)
    {
        _keySetsUploaded.Add(1);
        _keySetBytes.Add(bytes);
    }

    /// <summary>Records a key cache lookup.</summary>
    public void RecordKeyCacheLookup(bool hit) =>
        _keyCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <summary>A compute item entered (+1) or left (−1) the queue.</summary>
    public void RecordComputeQueued(string kind, int delta) => _computeQueued.Add(delta, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A compute item started (+1) or finished (−1) running.</summary>
    public void RecordComputeRunning(string kind, int delta) => _computeRunning.Add(delta, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>The calling compute thread became busy (+1) or idle (−1).</summary>
    public void RecordComputeThreadBusy(int delta) => _computeBusyThreads.Add(delta);

    /// <summary>How long a compute item waited before a worker took it.</summary>
    public void RecordComputeWait(string kind, TimeSpan wait) => _computeWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>How long a compute item ran, and how it ended.</summary>
    public void RecordComputeRun(string kind, string outcome, TimeSpan duration) =>
        _computeRun.Record(duration.TotalSeconds, new TagList { { "kind", kind }, { "outcome", outcome } });

    /// <summary>A compute item refused by the full queue.</summary>
    public void RecordComputeRejected(string kind) => _computeRejected.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A compute item whose deadline passed.</summary>
    public void RecordComputeDeadlineExceeded(string kind) => _computeDeadlines.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A limb-parallel task the engine queued on the compute threads.</summary>
    public void RecordComputeLimbTask() => _computeLimbTasks.Add(1);

    /// <summary>A compute item refused because its tenant held its share.</summary>
    public void RecordComputeTenantRejected(string kind) => _computeTenantRejected.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A request refused by the rate limit of <paramref name="policy"/>.</summary>
    public void RecordRateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));
}
