using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HeCompute.Server.Telemetry;

/// <summary>
/// The server's own instruments, on the Meter <c>HeCompute.Server</c>. Request metrics come from ASP.NET Core's
/// instrumentation; these add jobs, key sets, the key cache and homomorphic operation counts (which the analytics
/// handlers increment through <see cref="RecordHomomorphicOperations"/>).
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
}
