using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// The at-rest format of a blob: a 60-byte header (magic <c>HCENVLP</c>, version 1, the 16-byte id of the data key,
/// a 32-byte random salt, the chunk size) and then the content in AES-256-GCM chunks, each its ciphertext and 16-byte
/// tag. The blob's own key is HKDF-SHA256(data key, salt), so no two blobs share a key and a chunk's nonce can be its
/// index (8 bytes, big-endian) and a final flag (4 bytes): chunks cannot be reordered, dropped or cut off at the end
/// without a tag failing. Every chunk before the last is full, so the last one (possibly empty) is the one shorter
/// than a full chunk. The header is every chunk's associated data, so it cannot be altered either.
/// </summary>
internal static class BlobEnvelope
{
    /// <summary>Magic and version, the first 8 bytes of every envelope.</summary>
    public static ReadOnlySpan<byte> Magic => "HCENVLP"u8;

    /// <summary>The only version so far.</summary>
    public const byte Version = 1;

    /// <summary>Bytes of a data key id.</summary>
    public const int KeyIdLength = 16;

    /// <summary>Bytes of the per-blob salt.</summary>
    public const int SaltLength = 32;

    /// <summary>Header bytes: magic (7), version (1), key id, salt, chunk size (4).</summary>
    public const int HeaderLength = 8 + KeyIdLength + SaltLength + 4;

    /// <summary>Plaintext bytes per chunk.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Bytes of a GCM tag.</summary>
    public const int TagLength = 16;

    /// <summary>Bytes of a nonce.</summary>
    public const int NonceLength = 12;

    // The smallest and largest chunk size a reader accepts, so a header cannot make it allocate without bound.
    private const int MinChunkSize = 4096;
    private const int MaxChunkSize = 16 * 1024 * 1024;

    private static ReadOnlySpan<byte> KeyInfo => "HeCompute blob envelope v1"u8;

    /// <summary>Writes a header for <paramref name="keyId"/> with a fresh salt.</summary>
    public static byte[] NewHeader(ReadOnlySpan<byte> keyId)
    {
        var header = new byte[HeaderLength];
        Magic.CopyTo(header);
        header[7] = Version;
        keyId.CopyTo(header.AsSpan(8, KeyIdLength));
        RandomNumberGenerator.Fill(header.AsSpan(8 + KeyIdLength, SaltLength));
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8 + KeyIdLength + SaltLength), ChunkSize);
        return header;
    }

    /// <summary>Whether <paramref name="prefix"/> (the first bytes of a stored blob) starts an envelope.</summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> prefix) => prefix.Length >= Magic.Length && prefix[..Magic.Length].SequenceEqual(Magic);

    /// <summary>The data key id of a header.</summary>
    public static ReadOnlySpan<byte> KeyId(ReadOnlySpan<byte> header) => header.Slice(8, KeyIdLength);

    /// <summary>Checks a complete header's version and chunk size; returns the chunk size, or an error message.</summary>
    public static (int ChunkSize, string? Error) Check(ReadOnlySpan<byte> header)
    {
        if (header[7] != Version)
        {
            return (0, $"it is envelope version {header[7]}, and this server reads version {Version}");
        }

        var chunk = BinaryPrimitives.ReadInt32BigEndian(header[(8 + KeyIdLength + SaltLength)..]);
        return chunk is < MinChunkSize or > MaxChunkSize ? (0, $"its chunk size {chunk} is out of range") : (chunk, null);
    }

    /// <summary>The blob's own AES-256-GCM cipher, from the data key and the header's salt.</summary>
    public static AesGcm CipherFor(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> header)
    {
        Span<byte> key = stackalloc byte[32];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, key, header.Slice(8 + KeyIdLength, SaltLength), KeyInfo);
            return new AesGcm(key, TagLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The nonce of chunk <paramref name="index"/>.</summary>
    public static void Nonce(Span<byte> nonce, long index, bool final)
    {
        BinaryPrimitives.WriteInt64BigEndian(nonce, index);
        BinaryPrimitives.WriteInt32BigEndian(nonce[8..], final ? 1 : 0);
    }
}
