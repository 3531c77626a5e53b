namespace HeCompute.Server.Storage;

/// <summary>API keys (hashes only).</summary>
public interface IApiKeyStore
{
    /// <summary>Adds a key, or replaces the hash, name and roles of the key with the same id (un-revoking it).</summary>
    Task UpsertAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key with this id, or null.</summary>
    Task<ApiKeyRecord?> GetAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>A tenant's keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an unrevoked key's secret; the replaced one stays valid until <paramref name="previousValidUntil"/>
    /// (null: not at all). False if there is no such unrevoked key.
    /// </summary>
    Task<bool> RotateAsync(string keyId, byte[] secretHash, DateTimeOffset? previousValidUntil, CancellationToken cancellationToken);

    /// <summary>Ends a rotation's overlap: the previous secret stops authenticating. False if there is no such key.</summary>
    Task<bool> RevokePreviousAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Revokes a key; false if there is no such key.</summary>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    /// <summary>Whether any key with the admin role is unrevoked and unexpired at <paramref name="now"/>.</summary>
    Task<bool> AnyActiveAdminAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
