namespace HeCompute.Server.Storage;

/// <summary>A backend's half of a backup: its metadata, as one consistent snapshot, written to and read from a folder.</summary>
public interface IMetadataBackup
{
    /// <summary>The backend's name (a backup restores only into the same backend).</summary>
    string Provider { get; }

    /// <summary>The schema version this server writes and reads.</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// Writes every table of one snapshot under <paramref name="directory"/>; returns the row counts and the blob hashes
    /// that snapshot references.
    /// </summary>
    Task<MetadataSnapshot> WriteAsync(string directory, CancellationToken cancellationToken);

    /// <summary>Every blob hash the metadata references now (sorted, distinct).</summary>
    Task<IReadOnlyList<string>> ReferencedBlobsAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store holds no tenant, key, object or audit entry (a restore goes only into such a store).</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Loads the tables <see cref="WriteAsync"/> wrote into this (empty, migrated) store, in one transaction.</summary>
    Task RestoreAsync(string directory, CancellationToken cancellationToken);
}

/// <summary>What a metadata snapshot held.</summary>
/// <param name="Rows">Rows per table.</param>
/// <param name="Blobs">Every blob hash referenced (sorted, distinct).</param>
public sealed record MetadataSnapshot(IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Blobs);
