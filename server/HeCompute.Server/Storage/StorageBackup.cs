using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>
/// Backup and restore of either backend: a folder with the metadata of one snapshot, a copy of every blob that
/// snapshot references (<c>blobs/{sha256}</c>), and <c>manifest.json</c> listing each blob with its SHA-256 and size.
/// While a backup runs, committing new blob references and deleting unreferenced blobs wait (the blob-reference lock),
/// so no blob of the snapshot can go before it is copied; requests that only read, and audit appends, go on.
/// </summary>
public sealed class StorageBackup(IMetadataStore metadata, IBlobStore blobs, IMetadataBackup backend, IBlobReferenceLock referenceLock, TimeProvider time)
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFile = "manifest.json";

    private const int Format = 1;

    /// <summary>Writes a backup into <paramref name="directory"/> (which must be empty or absent).</summary>
    public async Task<BackupManifest> BackupAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new InvalidOperationException($"The backup folder {directory} is not empty.");
        }

        PrivateFiles.CreateDirectory(directory);
        var blobDirectory = Path.Combine(directory, "blobs");
        PrivateFiles.CreateDirectory(blobDirectory);
        var held = await referenceLock.AcquireAsync(cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var snapshot = await backend.WriteAsync(directory, cancellationToken).ConfigureAwait(false);
            var entries = new List<BackupBlob>(snapshot.Blobs.Count);
            foreach (var sha256 in snapshot.Blobs)
            {
                var source = blobs.OpenRead(sha256);
                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(Path.Combine(blobDirectory, sha256), PrivateFiles.CreateOptions(FileMode.CreateNew, BlobStaging.BufferSize, FileOptions.Asynchronous));
                    await using (target.ConfigureAwait(false))
                    {
                        var (hash, bytes) = await CopyHashingAsync(source, target, cancellationToken).ConfigureAwait(false);
                        if (hash != sha256)
                        {
                            throw new InvalidDataException($"Blob {sha256} in the store has SHA-256 {hash}: the store is damaged.");
                        }

                        entries.Add(new BackupBlob(sha256, bytes));
                    }
                }
            }

            var manifest = new BackupManifest(Format, backend.Provider, backend.SchemaVersion, time.GetUtcNow(), snapshot.Rows, entries);
            var path = Path.Combine(directory, ManifestFile);
            var file = new FileStream(path, PrivateFiles.CreateOptions(FileMode.CreateNew, BlobStaging.BufferSize, FileOptions.None));
            await using (file.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(file, manifest, HeComputeJson.Options, cancellationToken).ConfigureAwait(false);
            }

            return manifest;
        }
    }

    /// <summary>
    /// Restores a backup into this store, which must be empty (its schema applied): every blob is checked against
    /// the manifest before anything is written, then the blobs are committed and the metadata loaded.
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidDataException($"{directory} holds no backup ({ManifestFile} is missing).");
        }

        BackupManifest manifest;
        await using (var file = File.OpenRead(manifestPath))
        {
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(file, HeComputeJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("The backup's manifest is empty.");
        }

        if (manifest.Format != Format || manifest.Provider != backend.Provider || manifest.SchemaVersion != backend.SchemaVersion)
        {
            throw new InvalidDataException(
                $"The backup is format {manifest.Format} of {manifest.Provider} schema {manifest.SchemaVersion}; this store restores format {Format} of {backend.Provider} schema {backend.SchemaVersion}.");
        }

        await metadata.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (!await backend.IsEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The store is not empty: a backup is restored only into an empty store.");
        }

        foreach (var blob in manifest.Blobs)
        {
            var path = Path.Combine(directory, "blobs", blob.Sha256);
            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BlobStaging.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            using var staged = await blobs.StageAsync(source, blob.Bytes, cancellationToken).ConfigureAwait(false);
            if (staged.Sha256 != blob.Sha256 || staged.Length != blob.Bytes)
            {
                throw new InvalidDataException($"The backup's blob {blob.Sha256} does not match its manifest entry (it hashes to {staged.Sha256}, {staged.Length} bytes).");
            }

            await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
        }

        await backend.RestoreAsync(directory, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Checks every audit chain and re-hashes every referenced blob (what a restored server is trusted on).</summary>
    public async Task<StorageVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in metadata.Audit.ReadAsync(null, true, 0, null, null, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        var audit = AuditChain.Verify(entries);
        var referenced = await backend.ReferencedBlobsAsync(cancellationToken).ConfigureAwait(false);
        var damaged = new List<string>();
        foreach (var sha256 in referenced)
        {
            try
            {
                var stream = blobs.OpenRead(sha256);
                await using (stream.ConfigureAwait(false))
                {
                    if ((await CopyHashingAsync(stream, Stream.Null, cancellationToken).ConfigureAwait(false)).Sha256 != sha256)
                    {
                        damaged.Add(sha256);
                    }
                }
            }
            catch (FileNotFoundException)
            {
                damaged.Add(sha256);
            }
        }

        return new StorageVerification(audit, referenced.Count, damaged);
    }

    private static async Task<(string Sha256, long Bytes)> CopyHashingAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlobStaging.BufferSize);
        try
        {
            long bytes = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BlobStaging.BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                bytes += read;
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A backup's manifest.</summary>
/// <param name="Format">The backup format (1).</param>
/// <param name="Provider">The backend it was taken from (it restores into the same backend).</param>
/// <param name="SchemaVersion">The metadata schema version.</param>
/// <param name="CreatedAt">When it was taken.</param>
/// <param name="Rows">Rows per metadata table.</param>
/// <param name="Blobs">Every blob, with its SHA-256 (its name) and size.</param>
public sealed record BackupManifest(
    int Format, string Provider, int SchemaVersion, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<BackupBlob> Blobs);

/// <summary>One blob in a backup.</summary>
public sealed record BackupBlob(string Sha256, long Bytes);

/// <summary>What checking a store found.</summary>
/// <param name="Audit">The audit log's verification (every chain).</param>
/// <param name="Blobs">Blobs referenced.</param>
/// <param name="Damaged">Referenced blobs that are missing or whose bytes do not hash to their name.</param>
public sealed record StorageVerification(AuditVerificationResponse Audit, int Blobs, IReadOnlyList<string> Damaged)
{
    /// <summary>Whether every chain verifies and every blob is intact.</summary>
    public bool Valid => Audit.Valid && Damaged.Count == 0;
}
