using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// The data keys blobs are encrypted under, each stored wrapped (AES-256-GCM) by a master key whose id the entry
/// names. One data key serves every blob, each blob deriving its own key from it with a random salt; rotating the
/// master key therefore re-wraps the keyring's entries and touches no blob. The keyring (wrapped keys only) lives in
/// the metadata store, so every node on one database shares it; the master key never leaves the node's settings.
/// </summary>
internal sealed class AtRestKeyring
{
    private const int FormatVersion = 1;
    private const string Where = "the keyring in the metadata store";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly IKeyringStore _store;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile DataKeys? _loaded;

    /// <summary>Reads the configured master keys; the keyring itself is loaded on first use (after the schema is applied).</summary>
    /// <exception cref="InvalidOperationException">A master key that is missing or malformed.</exception>
    public AtRestKeyring(IOptions<HeComputeServerOptions> options, StoragePaths paths, IMetadataStore metadata)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(metadata);
        var settings = options.Value.AtRest;
        var keys = Path.Combine(paths.DataDirectory, "keys");
        PrivateFiles.CreateDirectory(paths.DataDirectory);
        (Master, PreviousMasters) = MasterKey.Load(settings, Path.Combine(keys, "master.key"));
        LegacyFile = settings.KeyringFile is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(keys, "keyring.json");
        _store = metadata.Keyring;
    }

    /// <summary>Where servers before the keyring moved into the metadata store kept it; imported at the first load.</summary>
    public string LegacyFile { get; }

    /// <summary>The master key new wraps use.</summary>
    public MasterKey Master { get; }

    /// <summary>Master keys still accepted for unwrapping (during a rotation).</summary>
    public IReadOnlyList<MasterKey> PreviousMasters { get; }

    /// <summary>The data key new blobs are encrypted under.</summary>
    public DataKey Current => Keys.Current;

    private DataKeys Keys => _loaded ?? LoadAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The data key with this id, or null.</summary>
    public DataKey? Find(ReadOnlySpan<byte> id) => Keys.ById.GetValueOrDefault(Convert.ToHexStringLower(id));

    /// <summary>
    /// Loads the keyring from the metadata store, unwrapping every entry. On the first start of a store it is created
    /// (one new data key; first writer wins across nodes); a keyring file left by an older server is imported, its
    /// entries added to the store's, after which the file is no longer read.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured master keys cannot unwrap the keyring.</exception>
    public async Task<DataKeys> LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded is { } loaded)
        {
            return loaded;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded is { } raced)
            {
                return raced;
            }

            var legacy = ReadFile(LegacyFile);
            var document = await _store.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? await _store.CreateAsync(Serialize(legacy ?? [Wrap(NewDataKey())]), cancellationToken).ConfigureAwait(false);
            if (legacy is not null)
            {
                document = await MergeAsync(document, legacy, cancellationToken).ConfigureAwait(false);
            }

            var keys = Unwrap(Parse(document, Where), Where);
            _loaded = keys;
            return keys;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The stored keyring document (wrapped keys only), for a backup.</summary>
    public async Task<string> ExportAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The metadata store lost its keyring.");
    }

    /// <summary>
    /// Checks that the configured master keys unwrap a backup's keyring (before anything is restored), so that a
    /// restore with another master key fails with its reason.
    /// </summary>
    /// <exception cref="InvalidOperationException">The keyring is malformed or the master keys cannot unwrap it.</exception>
    public void CheckUnwraps(string document, string source) => Unwrap(Parse(document, source), source);

    /// <summary>
    /// Puts a backup's keyring into this store: its entries first (its current data key becomes the current one), then
    /// any this store already had, so blobs written under either stay readable.
    /// </summary>
    public async Task ImportAsync(string document, string source, CancellationToken cancellationToken)
    {
        var entries = Parse(document, source);
        Unwrap(entries, source);
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await _store.CreateAsync(Serialize(entries), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var existing = Parse(stored, Where);
                var merged = entries.Concat(existing.Where(e => entries.All(b => b.Id != e.Id))).ToList();
                if (merged.Count == existing.Count && merged.Zip(existing).All(p => p.First == p.Second))
                {
                    break;
                }

                if (await _store.ReplaceAsync(stored, Serialize(merged), cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                stored = await _store.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The metadata store lost its keyring.");
            }

            _loaded = null;
        }
        finally
        {
            _loading.Release();
        }

        await LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Wraps every data key under <see cref="Master"/> and replaces the stored keyring in one compare-and-swap, so a
    /// reader sees the old keyring or the new one and never a mix. Returns how many entries were wrapped by another
    /// master key before. Data keys do not change, so nodes serving meanwhile are unaffected.
    /// </summary>
    public async Task<int> RewrapAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var stored = await _store.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The metadata store lost its keyring.");
            var entries = Parse(stored, Where);
            var changed = entries.Count(e => e.MasterKeyId != Master.Id);
            if (changed == 0)
            {
                return 0;
            }

            var rewrapped = entries.Select(e => e.MasterKeyId == Master.Id ? e : Wrap(Unwrap(e, Where))).ToList();
            if (await _store.ReplaceAsync(stored, Serialize(rewrapped), cancellationToken).ConfigureAwait(false))
            {
                return changed;
            }
        }
    }

    // Adds the file's entries the store lacks (a node that had its own keyring file keeps reading its blobs).
    private async Task<string> MergeAsync(string stored, List<KeyringEntry> file, CancellationToken cancellationToken)
    {
        while (true)
        {
            var existing = Parse(stored, Where);
            var missing = file.Where(f => existing.All(e => e.Id != f.Id)).ToList();
            if (missing.Count == 0
                || await _store.ReplaceAsync(stored, Serialize([.. existing, .. missing]), cancellationToken).ConfigureAwait(false))
            {
                return await _store.ReadAsync(cancellationToken).ConfigureAwait(false) ?? stored;
            }

            stored = await _store.ReadAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The metadata store lost its keyring.");
        }
    }

    private static DataKey NewDataKey() => new(RandomNumberGenerator.GetBytes(BlobEnvelope.KeyIdLength), RandomNumberGenerator.GetBytes(32));

    private static string Serialize(List<KeyringEntry> entries) => JsonSerializer.Serialize(new KeyringFile(FormatVersion, entries), Json);

    private static List<KeyringEntry>? ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        PrivateFiles.Tighten(path);
        return Parse(File.ReadAllText(path), $"the keyring file '{path}'");
    }

    private static List<KeyringEntry> Parse(string document, string source)
    {
        KeyringFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyringFile>(document, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{Capitalized(source)} is not valid JSON: {e.Message}", e);
        }

        return file is { Version: FormatVersion, DataKeys.Count: > 0 }
            ? [.. file.DataKeys]
            : throw new InvalidOperationException($"{Capitalized(source)} is not a version {FormatVersion} keyring with at least one data key.");
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private DataKeys Unwrap(List<KeyringEntry> entries, string source)
    {
        var byId = new Dictionary<string, DataKey>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            byId[entry.Id] = Unwrap(entry, source);
        }

        return new DataKeys(byId[entries[0].Id], byId);
    }

    private KeyringEntry Wrap(DataKey key)
    {
        var nonce = RandomNumberGenerator.GetBytes(BlobEnvelope.NonceLength);
        var wrapped = new byte[nonce.Length + key.Key.Length + BlobEnvelope.TagLength];
        nonce.CopyTo(wrapped, 0);
        using var aes = new AesGcm(Master.Key, BlobEnvelope.TagLength);
        aes.Encrypt(nonce, key.Key, wrapped.AsSpan(nonce.Length, key.Key.Length), wrapped.AsSpan(nonce.Length + key.Key.Length), Associated(key.Id));
        return new KeyringEntry(Convert.ToHexStringLower(key.Id), Master.Id, Convert.ToBase64String(wrapped));
    }

    private DataKey Unwrap(KeyringEntry entry, string source)
    {
        var master = Master.Id == entry.MasterKeyId ? Master : PreviousMasters.FirstOrDefault(m => m.Id == entry.MasterKeyId);
        if (master is null)
        {
            var previous = PreviousMasters.Count == 0 ? "no previous master key is configured" : $"the previous master keys are {string.Join(", ", PreviousMasters.Select(m => m.Id))}";
            throw new InvalidOperationException(
                $"Wrong master key: {source} holds data key {entry.Id} wrapped by master key {entry.MasterKeyId}, but the configured master key " +
                $"({Master.Origin}) is {Master.Id} and {previous}. Configure the master key the data was written with (HeCompute:AtRest:MasterKey or MasterKeyFile), " +
                "or, while rotating, list it in HeCompute:AtRest:PreviousMasterKeyFiles.");
        }

        byte[] id, wrapped;
        try
        {
            id = Convert.FromHexString(entry.Id);
            wrapped = Convert.FromBase64String(entry.Wrapped);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{Capitalized(source)} has a malformed entry for data key {entry.Id}.", e);
        }

        var keyLength = wrapped.Length - BlobEnvelope.NonceLength - BlobEnvelope.TagLength;
        if (id.Length != BlobEnvelope.KeyIdLength || keyLength != 32)
        {
            throw new InvalidOperationException($"{Capitalized(source)} has a malformed entry for data key {entry.Id}.");
        }

        var key = new byte[keyLength];
        try
        {
            using var aes = new AesGcm(master.Key, BlobEnvelope.TagLength);
            aes.Decrypt(wrapped.AsSpan(0, BlobEnvelope.NonceLength), wrapped.AsSpan(BlobEnvelope.NonceLength, keyLength), wrapped.AsSpan(BlobEnvelope.NonceLength + keyLength), key, Associated(id));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidOperationException(
                $"Data key {entry.Id} in {source} does not unwrap with master key {master.Id} ({master.Origin}): the keyring was altered.", e);
        }

        return new DataKey(id, key);
    }

    // Binds a wrapped key to its id, so entries cannot be swapped between ids.
    private static byte[] Associated(ReadOnlySpan<byte> id) => [.. Encoding.ASCII.GetBytes("HeCompute keyring v1:"), .. id];

    private sealed record KeyringFile(int Version, IReadOnlyList<KeyringEntry> DataKeys);

    private sealed record KeyringEntry(string Id, string MasterKeyId, string Wrapped);
}

/// <summary>The unwrapped data keys: the current one and every one by its hex id.</summary>
internal sealed record DataKeys(DataKey Current, IReadOnlyDictionary<string, DataKey> ById);
