namespace HeCompute.Server.Storage;

/// <summary>
/// Serializes "commit blobs and reference them" against "drop references and delete unreferenced blobs", so a blob
/// shared by two objects (or two tenants) is deleted only when the last reference goes.
/// </summary>
public sealed partial class BlobCollector(IBlobStore blobs, IMetadataStore metadata, ILogger<BlobCollector> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Runs <paramref name="action"/> (commit blobs, then insert the rows that reference them) under the lock.</summary>
    public async Task<T> WithLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes each of <paramref name="hashes"/> that nothing references any more; returns how many.</summary>
    public async Task<int> ReleaseAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var deleted = 0;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var hash in hashes.Distinct(StringComparer.Ordinal))
            {
                if (!await metadata.IsBlobReferencedAsync(hash, CancellationToken.None).ConfigureAwait(false) && blobs.Exists(hash))
                {
                    blobs.Delete(hash);
                    deleted++;
                }
            }
        }
        finally
        {
            _lock.Release();
        }

        if (deleted > 0)
        {
            LogDeleted(logger, deleted);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} unreferenced blobs")]
    private static partial void LogDeleted(ILogger logger, int count);
}
