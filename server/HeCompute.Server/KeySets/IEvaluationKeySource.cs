using HeCompute.Server.Storage;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Where computations get a key set's deserialized evaluation keys. Today an in-process LRU over the stored blobs
/// (<see cref="EvaluationKeyCache"/>); a per-element lazy store or a cluster cache can take its place.
/// </summary>
public interface IEvaluationKeySource
{
    /// <summary>The keys of <paramref name="keySet"/>, a record the caller looked up for its tenant.</summary>
    Task<LoadedKeySet> GetAsync(KeySetRecord keySet, CancellationToken cancellationToken);

    /// <summary>Offers keys just validated on upload, so the first computation need not load them again.</summary>
    void Put(string keySetId, string tenantId, LoadedKeySet keys);

    /// <summary>Forgets one key set (it was deleted).</summary>
    void Evict(string tenantId, string keySetId);

    /// <summary>Forgets every key set of a tenant (its data was erased).</summary>
    void EvictTenant(string tenantId);
}
