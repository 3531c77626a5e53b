using HeCompute.Server.Caching;
using HeCompute.Server.Compute;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Deserialized key sets kept in <see cref="EvaluationMemory"/>, under the byte budget they share with models' encoded
/// plaintexts (<c>HeCompute:KeyCache:ByteBudget</c>), least recently used evicted first. Concurrent requests for the same
/// key set share one load. A key set larger than the whole budget is loaded for the caller but not kept.
/// </summary>
public sealed class EvaluationKeyCache(
    IBlobStore blobs, IComputeScheduler compute, EvaluationMemory memory, IOptions<HeComputeServerOptions> options, HeComputeMetrics metrics) : IEvaluationKeySource
{
    private readonly LoadingCache<object, object> _cache = memory.Entries;

    /// <summary>Key sets currently held.</summary>
    public int Count => _cache.Snapshot().Count(entry => entry.Key is EvaluationMemory.KeySetEntry);

    /// <inheritdoc/>
    public async Task<LoadedKeySet> GetAsync(KeySetRecord keySet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        var key = new EvaluationMemory.KeySetEntry(keySet.TenantId, keySet.Id);
        var hit = _cache.TryGet(key, out var cached);
        metrics.RecordKeyCacheLookup(hit);
        return (LoadedKeySet)(hit ? cached : await _cache.GetOrLoadAsync(key, async _ => await LoadAsync(keySet).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public void Put(string keySetId, string tenantId, LoadedKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _cache.Put(new EvaluationMemory.KeySetEntry(tenantId, keySetId), keys);
    }

    /// <inheritdoc/>
    public void Evict(string tenantId, string keySetId) => _cache.Remove(new EvaluationMemory.KeySetEntry(tenantId, keySetId));

    /// <inheritdoc/>
    public void EvictTenant(string tenantId) => _cache.RemoveWhere(key => key is EvaluationMemory.KeySetEntry entry && entry.TenantId == tenantId);

    /// <summary>Deserializes and validates the stored parts of a key set (the heavy work of a miss).</summary>
    private Task<LoadedKeySet> LoadAsync(KeySetRecord keySet)
    {
        var maxPart = options.Value.Limits.MaxKeySetPartBytes;
        // One load shared by every waiter (the cache coalesces them), so no single caller's cancellation stops it.
        return compute.RunAsync(
            new ComputeRequest("keyset-load"),
            _ =>
            {
                var parts = keySet.Parts.ToDictionary(p => p.Name, p => (Func<Stream>)(() => blobs.OpenRead(p.Sha256)), StringComparer.Ordinal);
                return KeySetLoader.Load(parts, maxPart);
            },
            CancellationToken.None);
    }
}
