using HeCompute.Server.Caching;
using HeCompute.Server.Compute;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Deserialized key sets kept in memory under a byte budget (<c>HeCompute:KeyCache:ByteBudget</c>), least recently used
/// evicted first. Concurrent requests for the same key set share one load. A key set larger than the whole budget is
/// loaded for the caller but not kept.
/// </summary>
public sealed class EvaluationKeyCache(IBlobStore blobs, IComputeScheduler compute, IOptions<HeComputeServerOptions> options, HeComputeMetrics metrics) : IEvaluationKeySource
{
    private readonly LoadingCache<(string TenantId, string KeySetId), LoadedKeySet> _cache =
        new(options.Value.KeyCache.ByteBudget, keys => keys.ApproximateBytes);

    /// <summary>Approximate bytes currently held.</summary>
    public long CurrentBytes => _cache.Weight;

    /// <summary>Key sets currently held.</summary>
    public int Count => _cache.Count;

    /// <inheritdoc/>
    public async Task<LoadedKeySet> GetAsync(KeySetRecord keySet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        var hit = _cache.TryGet((keySet.TenantId, keySet.Id), out var cached);
        metrics.RecordKeyCacheLookup(hit);
        return hit ? cached : await _cache.GetOrLoadAsync((keySet.TenantId, keySet.Id), _ => LoadAsync(keySet), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Put(string keySetId, string tenantId, LoadedKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _cache.Put((tenantId, keySetId), keys);
    }

    /// <inheritdoc/>
    public void Evict(string tenantId, string keySetId) => _cache.Remove((tenantId, keySetId));

    /// <inheritdoc/>
    public void EvictTenant(string tenantId) => _cache.RemoveWhere(key => key.TenantId == tenantId);

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
