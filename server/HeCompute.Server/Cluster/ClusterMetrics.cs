using System.Diagnostics.Metrics;
using HeCompute.Server.Caching;
using HeCompute.Server.KeySets;
using HeCompute.Server.Telemetry;

namespace HeCompute.Server.Cluster;

/// <summary>
/// What this silo holds, on the <c>HeCompute.Server</c> meter (each node exports its own; OpenTelemetry's resource
/// tells the nodes apart): key set grains active here, key sets whose keys are in memory here, and the bytes of
/// evaluation memory (keys and encoded plaintexts) held; the jobs it runs and those it took over from a node whose lease
/// expired.
/// </summary>
public sealed class ClusterMetrics
{
    private readonly EvaluationMemory _memory;
    private readonly EvaluationKeyCache _keys;
    private readonly Jobs.JobRunner _jobs;
    private int _keySetGrains;

    /// <summary>Creates the instruments.</summary>
    public ClusterMetrics(IMeterFactory meterFactory, EvaluationMemory memory, EvaluationKeyCache keys, Jobs.JobRunner jobs)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _memory = memory;
        _keys = keys;
        _jobs = jobs;
        var meter = meterFactory.Create(HeComputeMetrics.MeterName);
        meter.CreateObservableGauge("hecompute.cluster.keyset_grains", () => KeySetGrains, "{grain}", "Key set grains active on this silo.");
        meter.CreateObservableGauge("hecompute.memory.keysets", () => KeySetsHeld, "{keyset}", "Key sets whose deserialized keys this silo holds.");
        meter.CreateObservableGauge("hecompute.memory.bytes", () => BytesHeld, "By", "Evaluation memory (deserialized keys and encoded plaintexts) this silo holds.");
        meter.CreateObservableGauge("hecompute.jobs.running", () => JobsRunning, "{job}", "Jobs this silo runs under its lease now.");
        meter.CreateObservableCounter("hecompute.jobs.taken_over", () => JobsTakenOver, "{job}", "Jobs this silo took over from a node whose lease expired.");
    }

    /// <summary>Jobs this silo runs under its lease now.</summary>
    public int JobsRunning => _jobs.Running;

    /// <summary>Jobs this silo took over from a node whose lease expired, since it started.</summary>
    public int JobsTakenOver => _jobs.TakenOver;

    /// <summary>The name this silo's job leases are held under.</summary>
    public string LeaseOwner => _jobs.Owner;

    /// <summary>Key set grains active on this silo.</summary>
    public int KeySetGrains => Volatile.Read(ref _keySetGrains);

    /// <summary>Key sets whose deserialized keys this silo holds.</summary>
    public int KeySetsHeld => _keys.Count;

    /// <summary>Bytes of evaluation memory this silo holds.</summary>
    public long BytesHeld => _memory.CurrentBytes;

    internal void KeySetGrainActivated() => Interlocked.Increment(ref _keySetGrains);

    internal void KeySetGrainDeactivated() => Interlocked.Decrement(ref _keySetGrains);
}
