using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HeCompute.Client.Keys;

/// <summary>
/// The at-rest format of a secret key: AES-256-GCM under a key derived from a passphrase with PBKDF2-HMAC-SHA256.
/// </summary>
/// <remarks>
/// Layout (little endian): <c>"HCSK"</c> | format version (1 byte, 1) | KDF (1 byte, 1 = PBKDF2-HMAC-SHA256) |
/// iterations (uint32) | salt (16) | nonce (12) | passphrase check (32) | tag (16) | ciphertext. The KDF yields 64 bytes:
/// the first 32 are the AES key, SHA-256 of the last 32 is the passphrase check, so a wrong passphrase is told apart
/// from an altered file (both checks are equally costly to an attacker: each guess still needs the full KDF). The
/// associated data binds the format version, the key set's id and the whole header, so a file cannot be moved to
/// another key set or have its parameters changed without failing authentication.
/// </remarks>
internal static class SecretKeyEnvelope
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int MinimumIterations = 600_000;

    private const byte FormatVersion = 1;
    private const byte KdfPbkdf2Sha256 = 1;
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int CheckBytes = 32;
    private const int TagBytes = 16;
    private const int HeaderBytes = 4 + 1 + 1 + 4 + SaltBytes + NonceBytes + CheckBytes;
    private static ReadOnlySpan<byte> Magic => "HCSK"u8;

    /// <summary>Encrypts <paramref name="secretKey"/> for key set <paramref name="keySetId"/>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> secretKey, string passphrase, string keySetId, int iterations = MinimumIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var file = new byte[HeaderBytes + TagBytes + secretKey.Length];
        var header = file.AsSpan(0, HeaderBytes);
        Magic.CopyTo(header);
        header[4] = FormatVersion;
        header[5] = KdfPbkdf2Sha256;
        BinaryPrimitives.WriteUInt32LittleEndian(header[6..], (uint)iterations);
        var salt = header.Slice(10, SaltBytes);
        var nonce = header.Slice(10 + SaltBytes, NonceBytes);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> derived = stackalloc byte[64];
        try
        {
            Derive(passphrase, salt, iterations, derived);
            SHA256.HashData(derived[32..], header.Slice(10 + SaltBytes + NonceBytes, CheckBytes));
            using var aes = new AesGcm(derived[..32], TagBytes);
            aes.Encrypt(nonce, secretKey, file.AsSpan(HeaderBytes + TagBytes), file.AsSpan(HeaderBytes, TagBytes), AssociatedData(keySetId, header));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }

        return file;
    }

    /// <summary>Decrypts a file written by <see cref="Seal"/>; the caller clears the result after use.</summary>
    /// <exception cref="KeyStoreException">Not this format, wrong passphrase, or altered.</exception>
    public static byte[] Open(ReadOnlySpan<byte> file, string passphrase, string keySetId)
    {
        if (file.Length < HeaderBytes + TagBytes || !file[..4].SequenceEqual(Magic))
        {
            throw new KeyStoreException($"The secret key file of key set {keySetId} is not a HeCompute encrypted key file.");
        }

        var header = file[..HeaderBytes];
        if (header[4] != FormatVersion || header[5] != KdfPbkdf2Sha256)
        {
            throw new KeyStoreException($"The secret key file of key set {keySetId} has format {header[4]} / KDF {header[5]}; this client reads format {FormatVersion} with PBKDF2-HMAC-SHA256.");
        }

        var iterations = BinaryPrimitives.ReadUInt32LittleEndian(header[6..]);
        if (iterations < MinimumIterations || iterations > 100_000_000)
        {
            throw new KeyStoreException($"The secret key file of key set {keySetId} declares {iterations} KDF iterations; accepted are {MinimumIterations} to 100000000.");
        }

        var salt = header.Slice(10, SaltBytes);
        var nonce = header.Slice(10 + SaltBytes, NonceBytes);
        var check = header.Slice(10 + SaltBytes + NonceBytes, CheckBytes);
        Span<byte> derived = stackalloc byte[64];
        Span<byte> actualCheck = stackalloc byte[CheckBytes];
        try
        {
            Derive(passphrase, salt, (int)iterations, derived);
            SHA256.HashData(derived[32..], actualCheck);
            if (!CryptographicOperations.FixedTimeEquals(actualCheck, check))
            {
                throw new KeyStoreException($"Wrong passphrase for key set {keySetId}.");
            }

            var plain = new byte[file.Length - HeaderBytes - TagBytes];
            try
            {
                using var aes = new AesGcm(derived[..32], TagBytes);
                aes.Decrypt(nonce, file[(HeaderBytes + TagBytes)..], file.Slice(HeaderBytes, TagBytes), plain, AssociatedData(keySetId, header));
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new KeyStoreException($"The secret key file of key set {keySetId} was altered or belongs to another key set (authentication failed).", e);
            }

            return plain;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    private static void Derive(string passphrase, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(bytes, salt, destination, iterations, HashAlgorithmName.SHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] AssociatedData(string keySetId, ReadOnlySpan<byte> header)
    {
        var label = Encoding.UTF8.GetBytes($"hecompute-secret-key/v{FormatVersion}\n{keySetId}\n");
        var data = new byte[label.Length + header.Length];
        label.CopyTo(data, 0);
        header.CopyTo(data.AsSpan(label.Length));
        return data;
    }
}
