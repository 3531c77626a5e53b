using System.Security.Cryptography;
using System.Text;

namespace HeCompute.Server.Auth;

/// <summary>
/// API key secrets: <c>hck_{16 hex key id}_{43 base64url characters}</c> — 256 random bits after a public key id, so a
/// presented key is found by id and compared by hash in constant time. Only SHA-256 of the whole secret is stored
/// (a fast hash suffices for 256-bit random secrets: there is nothing to brute-force).
/// </summary>
public static class ApiKeyToken
{
    private const string Prefix = "hck_";
    private const int KeyIdLength = 16;

    /// <summary>The key id under which a configured bootstrap key that is not in this format is stored.</summary>
    public const string BootstrapKeyId = "bootstrap-admin";

    /// <summary>A new random key: its id and its secret (to show once).</summary>
    public static (string KeyId, string Secret) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        return (keyId, NewSecret(keyId));
    }

    /// <summary>A fresh random secret for an existing key id (rotation keeps the id, so the key's roles and audit trail stay).</summary>
    public static string NewSecret(string keyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return $"{Prefix}{keyId}_{Base64UrlEncode(RandomNumberGenerator.GetBytes(32))}";
    }

    /// <summary>The key id a presented secret claims (the bootstrap id for secrets not in this format).</summary>
    public static string KeyIdOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Length > Prefix.Length + KeyIdLength + 1
            && secret.StartsWith(Prefix, StringComparison.Ordinal)
            && secret[Prefix.Length + KeyIdLength] == '_'
            && secret.AsSpan(Prefix.Length, KeyIdLength).ContainsOnlyHexLower()
            ? secret.Substring(Prefix.Length, KeyIdLength)
            : BootstrapKeyId;
    }

    /// <summary>SHA-256 of the secret's UTF-8 bytes: what is stored.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))));

    /// <summary>Whether the secret matches a stored hash, in time independent of where they differ.</summary>
    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static bool ContainsOnlyHexLower(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
