using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage.AtRest;

namespace HeCompute.Server.Storage;

/// <summary>
/// Backup and restore of either backend: a folder with the metadata of one snapshot, every blob that snapshot
/// references as it is stored (its at-rest envelope, <c>blobs/{sha256}</c> named by the plaintext's hash), the
/// keyring of wrapped data keys (<c>keyring.json</c>; never the master key, which the restoring server must be
/// configured with), and <c>manifest.json</c> listing each blob with the SHA-256 and size of its stored bytes. A
/// backup therefore holds no plaintext blob and is useless without the master key.
/// While a backup runs, committing new blob references and deleting unreferenced blobs wait (the blob-reference lock),
/// so no blob of the snapshot can go before it is copied; requests that only read, and audit appends, go on.
/// </summary>
public sealed class StorageBackup
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>The keyring's file name in a backup.</summary>
    public const string KeyringFile = "keyring.json";

    private const int Format = 2;
    private readonly IMetadataStore _metadata;
    private readonly IBlobStore _blobs;
    private readonly IBlobStore _stored;
    private readonly AtRestKeyring _keyring;
    private readonly IMetadataBackup _backend;
    private readonly IBlobReferenceLock _referenceLock;
    private readonly TimeProvider _time;

    internal StorageBackup(
        IMetadataStore metadata, IBlobStore blobs, IMetadataBackup backend, IBlobReferenceLock referenceLock, TimeProvider time)
    {
        _metadata = metadata;
        _blobs = blobs;
        var encrypted = blobs as EncryptedBlobStore ?? throw new InvalidOperationException("Backups need the at-rest encrypting blob store.");
        _stored = encrypted.Inner;
        _keyring = encrypted.Keyring;
        _backend = backend;
        _referenceLock = referenceLock;
        _time = time;
    }

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
        var held = await _referenceLock.AcquireAsync(cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var snapshot = await _backend.WriteAsync(directory, cancellationToken).ConfigureAwait(false);
            var wrapped = await _keyring.ExportAsync(cancellationToken).ConfigureAwait(false);
            await WriteFileAsync(Path.Combine(directory, KeyringFile), System.Text.Encoding.UTF8.GetBytes(wrapped), cancellationToken).ConfigureAwait(false);
            var entries = new List<BackupBlob>(snapshot.Blobs.Count);
            foreach (var sha256 in snapshot.Blobs)
            {
                var source = _stored.OpenRead(sha256);
                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(Path.Combine(blobDirectory, sha256), PrivateFiles.CreateOptions(FileMode.CreateNew, BlobStaging.BufferSize, FileOptions.Asynchronous));
                    await using (target.ConfigureAwait(false))
                    {
                        var (hash, bytes) = await CopyHashingAsync(source, target, cancellationToken).ConfigureAwait(false);
                        entries.Add(new BackupBlob(sha256, hash, bytes));
                    }
                }
            }

            var manifest = new BackupManifest(Format, _backend.Provider, _backend.SchemaVersion, _time.GetUtcNow(), snapshot.Rows, entries);
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

        if (manifest.Format != Format || manifest.Provider != _backend.Provider || manifest.SchemaVersion != _backend.SchemaVersion)
        {
            throw new InvalidDataException(
                $"The backup is format {manifest.Format} of {manifest.Provider} schema {manifest.SchemaVersion}; this store restores format {Format} of {_backend.Provider} schema {_backend.SchemaVersion}.");
        }

        var keyringPath = Path.Combine(directory, KeyringFile);
        if (!File.Exists(keyringPath))
        {
            throw new InvalidDataException($"{directory} holds no keyring ({KeyringFile} is missing).");
        }

        // A wrong master key is refused before anything is written: without it no restored blob could be read.
        var wrapped = await File.ReadAllTextAsync(keyringPath, cancellationToken).ConfigureAwait(false);
        _keyring.CheckUnwraps(wrapped, $"the backup's keyring '{keyringPath}'");
        await _metadata.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (!await _backend.IsEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The store is not empty: a backup is restored only into an empty store.");
        }

        var staged = new List<StagedBlob>(manifest.Blobs.Count);
        try
        {
            foreach (var blob in manifest.Blobs)
            {
                var path = Path.Combine(directory, "blobs", blob.Sha256);
                var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BlobStaging.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (source.ConfigureAwait(false))
                {
                    // The envelope goes into the store as it is (it stays encrypted under the backup's data key), named by its plaintext's hash.
                    var envelope = await _stored.StageAsync(source, blob.Bytes, cancellationToken).ConfigureAwait(false);
                    staged.Add(envelope);
                    if (envelope.Sha256 != blob.StoredSha256 || envelope.Length != blob.Bytes)
                    {
                        throw new InvalidDataException($"The backup's blob {blob.Sha256} does not match its manifest entry (it hashes to {envelope.Sha256}, {envelope.Length} bytes).");
                    }
                }
            }

            await _keyring.ImportAsync(wrapped, $"the backup's keyring '{keyringPath}'", cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < staged.Count; i++)
            {
                await _stored.CommitAsync(staged[i].Relabel(manifest.Blobs[i].Sha256, staged[i].Length, s => s), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var blob in staged)
            {
                blob.Dispose();
            }
        }

        await _backend.RestoreAsync(directory, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Checks every audit chain and re-hashes every referenced blob (what a restored server is trusted on).</summary>
    public async Task<StorageVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in _metadata.Audit.ReadAsync(null, true, 0, null, null, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        var audit = AuditChain.Verify(entries);
        var referenced = await _backend.ReferencedBlobsAsync(cancellationToken).ConfigureAwait(false);
        var damaged = new List<string>();
        foreach (var sha256 in referenced)
        {
            try
            {
                var stream = _blobs.OpenRead(sha256);
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
            catch (DomainException e) when (e.Kind == DomainErrorKind.StorageCorrupt)
            {
                // Its envelope failed authentication: altered, cut short or not an envelope at all.
                damaged.Add(sha256);
            }
        }

        return new StorageVerification(audit, referenced.Count, damaged);
    }

    private static async Task WriteFileAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, PrivateFiles.CreateOptions(FileMode.CreateNew, 4096, FileOptions.None));
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
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
/// <param name="Format">The backup format (2: blobs as stored, encrypted, with the wrapped keyring).</param>
/// <param name="Provider">The backend it was taken from (it restores into the same backend).</param>
/// <param name="SchemaVersion">The metadata schema version.</param>
/// <param name="CreatedAt">When it was taken.</param>
/// <param name="Rows">Rows per metadata table.</param>
/// <param name="Blobs">Every blob, with its SHA-256 (its name) and size.</param>
public sealed record BackupManifest(
    int Format, string Provider, int SchemaVersion, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<BackupBlob> Blobs);

/// <summary>One blob in a backup.</summary>
/// <param name="Sha256">Its name: the SHA-256 of its plaintext.</param>
/// <param name="StoredSha256">The SHA-256 of the bytes in the backup (its at-rest envelope).</param>
/// <param name="Bytes">The size of the bytes in the backup.</param>
public sealed record BackupBlob(string Sha256, string StoredSha256, long Bytes);

/// <summary>What checking a store found.</summary>
/// <param name="Audit">The audit log's verification (every chain).</param>
/// <param name="Blobs">Blobs referenced.</param>
/// <param name="Damaged">Referenced blobs that are missing or whose bytes do not hash to their name.</param>
public sealed record StorageVerification(AuditVerificationResponse Audit, int Blobs, IReadOnlyList<string> Damaged)
{
    /// <summary>Whether every chain verifies and every blob is intact.</summary>
    public bool Valid => Audit.Valid && Damaged.Count == 0;
}
