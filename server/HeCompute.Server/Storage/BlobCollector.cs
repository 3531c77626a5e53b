namespace HeCompute.Server.Storage;

/// <summary>
/// Serializes "commit blobs and reference them" against "drop references and delete unreferenced blobs", so a blob
/// shared by two objects (or two tenants) is deleted only when the last reference goes, whichever node does either.
/// </summary>
public sealed partial class BlobCollector(IBlobStore blobs, IMetadataStore metadata, IBlobReferenceLock referenceLock, ILogger<BlobCollector> logger)
{
    /// <summary>Runs <paramref name="action"/> (commit blobs, then insert the rows that reference them) under the lock.</summary>
    public async Task<T> WithLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var held = await referenceLock.AcquireAsync(cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            return await action().ConfigureAwait(false);
        }
    }

    /// <summary>Deletes each of <paramref name="hashes"/> that nothing references any more; returns how many.</summary>
    public async Task<int> ReleaseAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var deleted = 0;
        var held = await referenceLock.AcquireAsync(cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
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

        if (deleted > 0)
        {
            LogDeleted(logger, deleted);
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} unreferenced blobs")]
    private static partial void LogDeleted(ILogger logger, int count);
}
