using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// The data keys blobs are encrypted under, each stored wrapped (AES-256-GCM) by a master key whose id the entry
/// names. One data key serves every blob, each blob deriving its own key from it with a random salt; rotating the
/// master key therefore re-wraps the keyring's entries and touches no blob. The keyring is a small JSON file (0600)
/// outside the metadata and blob stores, so it applies to every storage backend and a copy of the database and the
/// blobs does not include it.
/// </summary>
internal sealed class AtRestKeyring
{
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Dictionary<string, DataKey> _keys;

    /// <summary>Loads the keyring with the configured master keys, creating it (one new data key) on the first start.</summary>
    /// <exception cref="InvalidOperationException">A master key that is missing or malformed, or a keyring the configured master keys cannot unwrap.</exception>
    public AtRestKeyring(IOptions<HeComputeServerOptions> options, StoragePaths paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        var settings = options.Value.AtRest;
        var keys = Path.Combine(paths.DataDirectory, "keys");
        PrivateFiles.CreateDirectory(paths.DataDirectory);
        (Master, PreviousMasters) = MasterKey.Load(settings, Path.Combine(keys, "master.key"));
        KeyringPath = settings.KeyringFile is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(keys, "keyring.json");
        var entries = Read(KeyringPath) ?? Create();
        _keys = new Dictionary<string, DataKey>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _keys[entry.Id] = Unwrap(entry);
        }

        Current = _keys[entries[0].Id];
    }

    /// <summary>The keyring file.</summary>
    public string KeyringPath { get; }

    /// <summary>The master key new wraps use.</summary>
    public MasterKey Master { get; }

    /// <summary>Master keys still accepted for unwrapping (during a rotation).</summary>
    public IReadOnlyList<MasterKey> PreviousMasters { get; }

    /// <summary>The data key new blobs are encrypted under.</summary>
    public DataKey Current { get; }

    /// <summary>The data key with this id, or null.</summary>
    public DataKey? Find(ReadOnlySpan<byte> id) => _keys.GetValueOrDefault(Convert.ToHexStringLower(id));

    /// <summary>
    /// Wraps every data key under <see cref="Master"/> and replaces the keyring file in one rename, so a reader sees the
    /// old keyring or the new one and never a mix. Returns how many entries were wrapped by another master key before.
    /// </summary>
    public int Rewrap()
    {
        var entries = Read(KeyringPath) ?? throw new InvalidOperationException($"The keyring '{KeyringPath}' does not exist.");
        var changed = entries.Count(e => e.MasterKeyId != Master.Id);
        var rewrapped = entries.Select(e => e.MasterKeyId == Master.Id ? e : Wrap(Unwrap(e))).ToList();
        Write(rewrapped, replace: true);
        return changed;
    }

    private static List<KeyringEntry>? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        PrivateFiles.Tighten(path);
        KeyringFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyringFile>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The keyring '{path}' is not valid JSON: {e.Message}", e);
        }

        return file is { Version: FormatVersion, DataKeys.Count: > 0 }
            ? [.. file.DataKeys]
            : throw new InvalidOperationException($"The keyring '{path}' is not a version {FormatVersion} keyring with at least one data key.");
    }

    private List<KeyringEntry> Create()
    {
        var entries = new List<KeyringEntry> { Wrap(new DataKey(RandomNumberGenerator.GetBytes(BlobEnvelope.KeyIdLength), RandomNumberGenerator.GetBytes(32))) };
        // Two first starts racing on one data directory: the keyring that lands first is everyone's.
        return Write(entries, replace: false) ? entries : Read(KeyringPath)!;
    }

    private bool Write(List<KeyringEntry> entries, bool replace)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(KeyringPath)!);
        var temp = KeyringPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new KeyringFile(FormatVersion, entries), Json);
        using (var stream = new FileStream(temp, PrivateFiles.CreateOptions(FileMode.CreateNew, 4096, FileOptions.None)))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temp, KeyringPath, overwrite: replace);
            return true;
        }
        catch (IOException) when (!replace && File.Exists(KeyringPath))
        {
            File.Delete(temp);
            return false;
        }
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

    private DataKey Unwrap(KeyringEntry entry)
    {
        var master = Master.Id == entry.MasterKeyId ? Master : PreviousMasters.FirstOrDefault(m => m.Id == entry.MasterKeyId);
        if (master is null)
        {
            var previous = PreviousMasters.Count == 0 ? "no previous master key is configured" : $"the previous master keys are {string.Join(", ", PreviousMasters.Select(m => m.Id))}";
            throw new InvalidOperationException(
                $"Wrong master key: the keyring '{KeyringPath}' holds data key {entry.Id} wrapped by master key {entry.MasterKeyId}, but the configured master key " +
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
            throw new InvalidOperationException($"The keyring '{KeyringPath}' has a malformed entry for data key {entry.Id}.", e);
        }

        var keyLength = wrapped.Length - BlobEnvelope.NonceLength - BlobEnvelope.TagLength;
        if (id.Length != BlobEnvelope.KeyIdLength || keyLength != 32)
        {
            throw new InvalidOperationException($"The keyring '{KeyringPath}' has a malformed entry for data key {entry.Id}.");
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
                $"Data key {entry.Id} in the keyring '{KeyringPath}' does not unwrap with master key {master.Id} ({master.Origin}): the keyring was altered.", e);
        }

        return new DataKey(id, key);
    }

    // Binds a wrapped key to its id, so entries cannot be swapped between ids.
    private static byte[] Associated(ReadOnlySpan<byte> id) => [.. Encoding.ASCII.GetBytes("HeCompute keyring v1:"), .. id];

    private sealed record KeyringFile(int Version, IReadOnlyList<KeyringEntry> DataKeys);

    private sealed record KeyringEntry(string Id, string MasterKeyId, string Wrapped);
}
