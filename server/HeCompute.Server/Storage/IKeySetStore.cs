namespace HeCompute.Server.Storage;

/// <summary>Key set metadata and the references to their blobs.</summary>
public interface IKeySetStore
{
    /// <summary>Adds a key set with its part references (the blobs must already be committed).</summary>
    Task CreateAsync(KeySetRecord keySet, CancellationToken cancellationToken);

    /// <summary>The tenant's key set, or null (also when it belongs to another tenant).</summary>
    Task<KeySetRecord?> GetAsync(string tenantId, string keySetId, CancellationToken cancellationToken);

    /// <summary>The tenant's key sets, newest first.</summary>
    Task<IReadOnlyList<KeySetRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's key set; returns the blob hashes it referenced, or null if not found.</summary>
    Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string keySetId, CancellationToken cancellationToken);
}
