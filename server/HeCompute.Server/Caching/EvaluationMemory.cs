using HeCompute.Analytics;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Caching;

/// <summary>
/// What computations keep in memory between requests, under one byte budget (<c>HeCompute:KeyCache:ByteBudget</c>),
/// least recently used evicted first whatever its kind: deserialized key sets (<see cref="EvaluationKeyCache"/>) and the
/// plaintexts models encode once, such as a matrix's diagonals (<see cref="PlaintextsOf"/>). Encoded plaintexts depend
/// on a model and a parameter set only, so every tenant's key set of those parameters shares one set of them.
/// </summary>
/// <remarks>
/// Metrics (meter <c>HeCompute.Server</c>): <c>hecompute.memory.bytes</c> (bytes held), <c>hecompute.memory.entries</c>
/// and <c>hecompute.memory.budget</c> (the configured budget), observable gauges.
/// </remarks>
public sealed class EvaluationMemory
{
    /// <summary>Creates the memory with the configured budget and its gauges.</summary>
    public EvaluationMemory(IOptions<HeComputeServerOptions> options, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        Budget = options.Value.KeyCache.ByteBudget;
        Entries = new(Budget, Weigh);
        var meter = meterFactory.Create(Telemetry.HeComputeMetrics.MeterName);
        meter.CreateObservableGauge("hecompute.memory.bytes", () => CurrentBytes, "By", "Bytes of deserialized key sets and encoded plaintexts held in evaluation memory.");
        meter.CreateObservableGauge("hecompute.memory.entries", () => Count, "{entry}", "Key sets and plaintext sets held in evaluation memory.");
        meter.CreateObservableGauge("hecompute.memory.budget", () => Budget, "By", "The evaluation memory's byte budget (HeCompute:KeyCache:ByteBudget).");
    }

    /// <summary>The byte budget every entry shares.</summary>
    public long Budget { get; }

    /// <summary>Every entry: keys are <see cref="KeySetEntry"/> or <see cref="PlaintextEntry"/>.</summary>
    internal LoadingCache<object, object> Entries { get; }

    /// <summary>Approximate bytes held, keys and plaintexts together.</summary>
    public long CurrentBytes => Entries.Weight;

    /// <summary>Entries held, keys and plaintexts together.</summary>
    public int Count => Entries.Count;

    /// <summary>The plaintext cache of one model, for its evaluation contexts.</summary>
    public IPlaintextCache PlaintextsOf(string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        return new ModelPlaintexts(this, modelId);
    }

    /// <summary>Forgets a model's plaintexts (it was deleted or is compiled anew: its blocks, and so its entries, are gone).</summary>
    public void EvictPlaintexts(string modelId) => Entries.RemoveWhere(key => key is PlaintextEntry entry && entry.ModelId == modelId);

    /// <summary>Forgets every model's plaintexts.</summary>
    public void EvictAllPlaintexts() => Entries.RemoveWhere(key => key is PlaintextEntry);

    /// <summary>A model's cached plaintexts (tests check what is shared).</summary>
    internal IReadOnlyList<(EncodedPlaintextKey Key, EncodedPlaintexts Plaintexts)> PlaintextsHeld(string modelId)
    {
        var held = new List<(EncodedPlaintextKey, EncodedPlaintexts)>();
        foreach (var (key, value) in Entries.Snapshot())
        {
            if (key is PlaintextEntry entry && entry.ModelId == modelId)
            {
                held.Add((entry.Key, (EncodedPlaintexts)value));
            }
        }

        return held;
    }

    private static long Weigh(object value) => value switch
    {
        LoadedKeySet keys => keys.ApproximateBytes,
        EncodedPlaintexts plaintexts => plaintexts.Bytes,
        _ => throw new ArgumentException($"{value.GetType().Name} is not a kind of evaluation memory.", nameof(value)),
    };

    /// <summary>A key set's entry.</summary>
    internal sealed record KeySetEntry(string TenantId, string KeySetId);

    /// <summary>A model's encoded plaintexts.</summary>
    internal sealed record PlaintextEntry(string ModelId, EncodedPlaintextKey Key);

    private sealed class ModelPlaintexts(EvaluationMemory memory, string modelId) : IPlaintextCache
    {
        public EncodedPlaintexts GetOrAdd(EncodedPlaintextKey key, Func<EncodedPlaintextKey, EncodedPlaintexts> encode)
        {
            ArgumentNullException.ThrowIfNull(encode);
            return (EncodedPlaintexts)memory.Entries.GetOrAdd(new PlaintextEntry(modelId, key), _ => encode(key));
        }
    }
}
