using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace HeCompute.Dicom.Deidentification;

/// <summary>
/// Replaces UIDs under a secret: HMAC-SHA256(secret, "HeCompute.Uid\0" + uid), first 128 bits made a UUID (version 8,
/// RFC 9562) and written as "2.25.&lt;decimal&gt;" (ISO/IEC 9834-8, PS3.5 B.2). Same UID and secret give the same result;
/// without the secret the mapping can be neither reversed nor reproduced.
/// </summary>
public sealed class UidMapper
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("HeCompute.Uid\0");
    private readonly byte[] _key;

    /// <summary>Creates a mapper keyed by <paramref name="secret"/> (copied).</summary>
    public UidMapper(ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret is empty.", nameof(secret));
        }

        _key = secret.ToArray();
    }

    /// <summary>The replacement for <paramref name="uid"/> (surrounding spaces and NULs ignored); empty stays empty.</summary>
    public string Map(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        string trimmed = uid.Trim(' ', '\0');
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        byte[] message = new byte[Domain.Length + Encoding.ASCII.GetByteCount(trimmed)];
        Domain.CopyTo(message, 0);
        Encoding.ASCII.GetBytes(trimmed, message.AsSpan(Domain.Length));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, message, mac);
        Span<byte> uuid = mac[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8 (custom)
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC variant
        var value = new BigInteger(uuid, isUnsigned: true, isBigEndian: true);
        return "2.25." + value.ToString(CultureInfo.InvariantCulture);
    }
}
