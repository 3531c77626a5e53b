using System.Security.Cryptography;
using HeCompute.Server.Options;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>A data key: what blobs are encrypted under (through a per-blob key derived from it).</summary>
/// <param name="Id">16 random bytes, written in every envelope made under it.</param>
/// <param name="Key">The 32-byte key.</param>
internal sealed record DataKey(byte[] Id, byte[] Key);

/// <summary>
/// A master key: it only wraps data keys. Its id is a hash of the key, so a keyring entry names the master key it
/// needs without revealing it, and a wrong key is recognised before any unwrapping is tried.
/// </summary>
internal sealed class MasterKey
{
    /// <summary>Bytes of a master key.</summary>
    public const int Length = 32;

    private MasterKey(byte[] key, string origin)
    {
        Key = key;
        Origin = origin;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData([.. "HeCompute master key id v1"u8, .. key], hash);
        Id = Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary>16 hex digits derived from the key.</summary>
    public string Id { get; }

    /// <summary>Where it came from (a setting's name or a file path), for error messages.</summary>
    public string Origin { get; }

    /// <summary>The key bytes.</summary>
    public byte[] Key { get; }

    /// <summary>The master key to wrap with and the previous ones still accepted for unwrapping.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="defaultFile">Where the key file is, and is generated, when nothing is configured.</param>
    /// <exception cref="InvalidOperationException">A configured key or key file that is missing or not 32 bytes of base64.</exception>
    public static (MasterKey Current, IReadOnlyList<MasterKey> Previous) Load(AtRestOptions options, string defaultFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        MasterKey current;
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            current = Parse(options.MasterKey, "HeCompute:AtRest:MasterKey");
        }
        else if (options.MasterKeyFile is { Length: > 0 } file)
        {
            current = FromFile(file, "HeCompute:AtRest:MasterKeyFile");
        }
        else
        {
            if (!File.Exists(defaultFile))
            {
                Generate(defaultFile);
            }

            current = FromFile(defaultFile, "the generated master key file");
        }

        var previous = options.PreviousMasterKeys.Select((k, i) => Parse(k, $"HeCompute:AtRest:PreviousMasterKeys:{i}"))
            .Concat(options.PreviousMasterKeyFiles.Select((f, i) => FromFile(f, $"HeCompute:AtRest:PreviousMasterKeyFiles:{i}")))
            .ToList();
        return (current, previous);
    }

    // Written whole to a temporary file and moved into place without overwriting: of two first starts on one data
    // directory, the one that loses the rename reads the winner's key, so there is never a second master key.
    private static void Generate(string path)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            PrivateFiles.WriteSecret(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(Length)) + "\n");
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another start won.
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static MasterKey FromFile(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The master key file '{path}' ({setting}) does not exist.");
        }

        PrivateFiles.Tighten(path);
        return Parse(File.ReadAllText(path), $"{setting} ('{path}')");
    }

    private static MasterKey Parse(string base64, string origin)
    {
        var key = new byte[Length + 1];
        if (!Convert.TryFromBase64String(base64.Trim(), key, out var written) || written != Length)
        {
            throw new InvalidOperationException($"The master key from {origin} is not {Length} bytes in base64 (make one with: openssl rand -base64 32).");
        }

        return new MasterKey(key[..Length], origin);
    }
}
