using System.Buffers.Binary;
using System.Globalization;
using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Identifies one set of encryption parameters (one level of the modulus chain): BLAKE2b-256 over the u64 words
/// [scheme, N, each coefficient prime, plain modulus], exactly as Microsoft SEAL computes it.
/// </summary>
public readonly struct ParmsId : IEquatable<ParmsId>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    /// <summary>Number of bytes of a parms_id on the wire.</summary>
    public const int ByteCount = 32;

    /// <summary>Creates a parms_id from its four words.</summary>
    public ParmsId(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>The all-zero parms_id SEAL uses for "no parameters" (and for BFV plaintexts).</summary>
    public static ParmsId Zero => default;

    /// <summary>Computes SEAL's parms_id of the given parameter words.</summary>
    public static ParmsId Compute(ReadOnlySpan<ulong> parameterWords)
    {
        Span<byte> hash = stackalloc byte[ByteCount];
        Blake2b.HashWords(parameterWords, hash);
        return Read(hash);
    }

    /// <summary>Reads a parms_id from its 32 little-endian bytes.</summary>
    public static ParmsId Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));

    /// <summary>
    /// The parms_id a SEAL object's body starts with (ciphertexts, plaintexts and keys all do), read without loading the
    /// object: how to tell "wrong parameters" from "malformed" when a load fails.
    /// </summary>
    /// <param name="sealObject">A serialized SEAL object.</param>
    /// <param name="maxBytes">Largest object to decompress.</param>
    /// <returns>The parms_id, or null if the body is shorter than one.</returns>
    /// <exception cref="SealException">The envelope is malformed or larger than <paramref name="maxBytes"/>.</exception>
    public static ParmsId? PeekSealObject(Stream sealObject, long maxBytes)
    {
        var body = SealSerialization.ReadBody(sealObject, maxBytes, out _);
        return body.Length < ByteCount ? null : Read(body);
    }

    /// <summary>Writes the 32 little-endian bytes.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    /// <inheritdoc/>
    public bool Equals(ParmsId other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ParmsId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Hex of the 32 bytes in wire order.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[ByteCount];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Parses the hex form <see cref="ToString"/> writes.</summary>
    public static ParmsId Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 2 * ByteCount)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"A parms_id has {2 * ByteCount} hex digits, not {hex.Length}."));
        }

        return Read(Convert.FromHexString(hex));
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(ParmsId left, ParmsId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ParmsId left, ParmsId right) => !left.Equals(right);
}
