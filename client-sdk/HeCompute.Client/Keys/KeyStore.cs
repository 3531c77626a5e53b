using System.Security.Cryptography;
using System.Text.Json;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Client.Http;
using HeCompute.Contracts;

namespace HeCompute.Client.Keys;

/// <summary>
/// Key sets on disk, one directory each under <see cref="Directory"/>: <c>manifest.json</c> (<see cref="StoredKeySet"/>),
/// the public evaluation material as uploaded (<c>parms.seal</c>, <c>public_key.seal</c>, <c>relin_keys.seal</c>,
/// <c>galois_keys.seal</c>) and <c>secret_key.hcsk</c>, the secret key encrypted with AES-256-GCM under a key derived
/// from a passphrase (PBKDF2-HMAC-SHA256, at least 600 000 iterations, per-file random salt and nonce, see
/// <see cref="SecretKeyEnvelope"/>). On Unix, directories are created 0700 and files 0600.
/// </summary>
public sealed class KeyStore
{
    /// <summary>Shortest passphrase accepted when storing a key.</summary>
    public const int MinimumPassphraseLength = 8;

    private const string ManifestFile = "manifest.json";
    private const string SecretKeyFile = "secret_key.hcsk";
    private const long MaxFileBytes = 1L << 30;
    private static readonly JsonSerializerOptions ManifestJson = new(HeComputeJson.Options) { WriteIndented = true };
    private readonly int _iterations;

    /// <summary>A key store rooted at <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The root directory.</param>
    /// <param name="kdfIterations">PBKDF2 iterations for newly stored keys (at least 600 000).</param>
    public KeyStore(string directory, int kdfIterations = SecretKeyEnvelope.MinimumIterations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(kdfIterations, SecretKeyEnvelope.MinimumIterations);
        Directory = Path.GetFullPath(directory);
        _iterations = kdfIterations;
    }

    /// <summary><c>~/.hecompute/keys</c>.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".hecompute", "keys");

    /// <summary>The root directory.</summary>
    public string Directory { get; }

    /// <summary>Stores freshly generated keys for a model or a dataset, the secret key encrypted under <paramref name="passphrase"/>.</summary>
    public async Task<StoredKeySet> SaveAsync(PlanKeyMaterial material, string subject, string subjectId, string passphrase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectId);
        ArgumentNullException.ThrowIfNull(passphrase);
        if (passphrase.Length < MinimumPassphraseLength)
        {
            throw new KeyStoreException($"The passphrase must have at least {MinimumPassphraseLength} characters.");
        }

        var id = "lk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var stored = new StoredKeySet(id, subject, subjectId, material.Plan.Parameters.ParmsId, material.Plan, DateTimeOffset.UtcNow, null, material.UploadBytes);
        var directory = Path.Combine(Directory, id);
        CreatePrivateDirectory(Directory);
        CreatePrivateDirectory(directory);
        var secret = material.ExportSecretKey();
        try
        {
            var sealedKey = SecretKeyEnvelope.Seal(secret, passphrase, id, _iterations);
            await WritePrivateAsync(Path.Combine(directory, SecretKeyFile), sealedKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        await WritePrivateAsync(Path.Combine(directory, PartFile(KeySetParts.Parms)), material.ParmsBytes, cancellationToken).ConfigureAwait(false);
        await WritePrivateAsync(Path.Combine(directory, PartFile(KeySetParts.PublicKey)), material.PublicKeyBytes, cancellationToken).ConfigureAwait(false);
        if (material.RelinKeysBytes is { } relin)
        {
            await WritePrivateAsync(Path.Combine(directory, PartFile(KeySetParts.RelinKeys)), relin, cancellationToken).ConfigureAwait(false);
        }

        if (material.GaloisKeysBytes is { } galois)
        {
            await WritePrivateAsync(Path.Combine(directory, PartFile(KeySetParts.GaloisKeys)), galois, cancellationToken).ConfigureAwait(false);
        }

        await WriteManifestAsync(stored, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Every stored key set, newest first.</summary>
    public async Task<IReadOnlyList<StoredKeySet>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var result = new List<StoredKeySet>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories(Directory))
        {
            if (File.Exists(Path.Combine(directory, ManifestFile)))
            {
                result.Add(await GetAsync(Path.GetFileName(directory), cancellationToken).ConfigureAwait(false));
            }
        }

        return [.. result.OrderByDescending(k => k.CreatedAt)];
    }

    /// <summary>A stored key set by local id, or by the server's key set id.</summary>
    /// <exception cref="KeyStoreException">No such key set.</exception>
    public async Task<StoredKeySet> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var path = ManifestPath(id);
        if (!File.Exists(path))
        {
            foreach (var stored in await ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (stored.ServerKeySetId == id)
                {
                    return stored;
                }
            }

            throw new KeyStoreException($"No key set '{id}' in the key store {Directory}.");
        }

        try
        {
            var bytes = await ReadBoundedAsync(path, cancellationToken).ConfigureAwait(false);
            var stored = JsonSerializer.Deserialize<StoredKeySet>(bytes, HeComputeJson.Options)
                ?? throw new KeyStoreException($"The manifest of key set '{id}' is empty.");
            return stored.Id == id ? stored : throw new KeyStoreException($"The manifest in directory '{id}' names key set '{stored.Id}'.");
        }
        catch (JsonException e)
        {
            throw new KeyStoreException($"The manifest of key set '{id}' is not readable: {e.Message}", e);
        }
    }

    /// <summary>The newest key set for a model or dataset, or null.</summary>
    public async Task<StoredKeySet?> FindAsync(string subject, string subjectId, CancellationToken cancellationToken = default)
    {
        foreach (var stored in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stored.Subject == subject && stored.SubjectId == subjectId)
            {
                return stored;
            }
        }

        return null;
    }

    /// <summary>Records the id the server gave the uploaded evaluation keys.</summary>
    public async Task<StoredKeySet> SetServerKeySetIdAsync(StoredKeySet stored, string serverKeySetId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var updated = stored with { ServerKeySetId = serverKeySetId };
        await WriteManifestAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>Opens the stored evaluation material as an upload (the caller disposes the streams).</summary>
    public KeySetUpload OpenUpload(StoredKeySet stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var directory = Path.Combine(Directory, stored.Id);
        Stream? Open(string part)
        {
            var path = Path.Combine(directory, PartFile(part));
            return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
        }

        return new KeySetUpload(
            Open(KeySetParts.Parms) ?? throw new KeyStoreException($"Key set '{stored.Id}' has no parameters file."),
            Open(KeySetParts.PublicKey),
            Open(KeySetParts.RelinKeys),
            Open(KeySetParts.GaloisKeys),
            $"{stored.Subject} {stored.SubjectId} ({stored.Id})");
    }

    /// <summary>
    /// Hex SHA-256 of the stored public key, byte for byte what the server serves contributors: the fingerprint an
    /// owner hands them out of band so they can pin it (<see cref="PublicKeyEncryptor.Create"/>).
    /// </summary>
    /// <exception cref="KeyStoreException">The key set has no public key file.</exception>
    public async Task<string> PublicKeySha256Async(StoredKeySet stored, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var bytes = await ReadBoundedAsync(Path.Combine(Directory, stored.Id, PartFile(KeySetParts.PublicKey)), cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Decrypts the secret key with <paramref name="passphrase"/> and loads the key set for use.</summary>
    /// <exception cref="KeyStoreException">Wrong passphrase, altered or unreadable files.</exception>
    public async Task<ClientKeySet> UnlockAsync(StoredKeySet stored, string passphrase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(passphrase);
        var file = await ReadBoundedAsync(Path.Combine(Directory, stored.Id, SecretKeyFile), cancellationToken).ConfigureAwait(false);
        var context = PlanContext.Create(stored.Plan);
        try
        {
            if (context.KeyParmsId.ToString() != stored.ParmsId)
            {
                throw new KeyStoreException($"The manifest of key set '{stored.Id}' names parms_id {stored.ParmsId}, but its plan has {context.KeyParmsId}.");
            }

            var secret = SecretKeyEnvelope.Open(file, passphrase, stored.Id);
            var secretKey = new SecretKey();
            try
            {
                using var stream = new MemoryStream(secret, writable: false);
                secretKey.Load(context, stream);
            }
            catch (SealException e)
            {
                secretKey.Dispose();
                throw new KeyStoreException($"The secret key of key set '{stored.Id}' does not load for its parameters: {e.Message}", e);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }

            return new ClientKeySet(stored, context, secretKey);
        }
        catch
        {
            throw;
        }
    }

    /// <summary>Deletes a key set's directory (the secret key is gone for good).</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var stored = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        System.IO.Directory.Delete(Path.Combine(Directory, stored.Id), recursive: true);
    }

    private static string PartFile(string part) => part + ".seal";

    private string ManifestPath(string id)
    {
        if (id.Length > 64 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')))
        {
            throw new KeyStoreException($"'{id}' is not a key set id.");
        }

        return Path.Combine(Directory, id, ManifestFile);
    }

    private async Task WriteManifestAsync(StoredKeySet stored, CancellationToken cancellationToken) =>
        await WritePrivateAsync(ManifestPath(stored.Id), JsonSerializer.SerializeToUtf8Bytes(stored, ManifestJson), cancellationToken).ConfigureAwait(false);

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else
        {
            System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Writes to a temporary file created 0600 and renames it into place, so a crash never leaves half a key.</summary>
    private static async Task WritePrivateAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new KeyStoreException($"Missing key store file {path}.");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new KeyStoreException($"Key store file {path} is {info.Length} bytes; more than any key set file can be.");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
