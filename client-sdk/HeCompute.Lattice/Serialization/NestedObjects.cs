namespace HeCompute.Lattice.Serialization;

/// <summary>
/// SEAL nests whole serialized objects (header included, never compressed) inside others: a Modulus inside
/// the parameters, the coefficient array inside a Ciphertext, each key inside RelinKeys. These read and write them.
/// </summary>
internal static class NestedObjects
{
    /// <summary>Serialized size of a Modulus: header plus one u64.</summary>
    public const int ModulusObjectSize = SealHeader.ByteCount + sizeof(ulong);

    /// <summary>Serialized size of the PRNG info object of a seeded ciphertext: header, type byte, 64-byte seed.</summary>
    public const int PrngInfoObjectSize = SealHeader.ByteCount + 1 + 64;

    /// <summary>Writes the header of a nested, uncompressed object whose body has the given size.</summary>
    public static void WriteHeader(SealBodyWriter writer, long bodySize)
    {
        Span<byte> header = stackalloc byte[SealHeader.ByteCount];
        new SealHeader(SealHeader.SealMagic, SealHeader.ByteCount, SealSerialization.WriteVersionMajor,
            SealSerialization.WriteVersionMinor, CompressionMode.None, (ulong)(bodySize + SealHeader.ByteCount)).Write(header);
        writer.WriteBytes(header);
    }

    /// <summary>Reads and validates the header of a nested object; returns its body size.</summary>
    public static long ReadHeader(ref SealBodyReader reader, long maxBodySize)
    {
        var offset = reader.Position;
        Span<byte> bytes = stackalloc byte[SealHeader.ByteCount];
        reader.ReadBytes(bytes);
        var header = SealHeader.Read(bytes);
        if (!header.IsValid)
        {
            throw new SealFormatException("Nested object has an invalid SEAL header (magic, header size, version or reserved bytes).", offset);
        }

        if (header.ComprMode != CompressionMode.None)
        {
            throw new SealFormatException("Nested objects must not be compressed.", offset);
        }

        var bodySize = (long)Math.Min(header.Size, long.MaxValue) - SealHeader.ByteCount;
        if (bodySize < 0 || bodySize > maxBodySize || bodySize > reader.Remaining)
        {
            throw new SealFormatException($"Nested object declares {header.Size} bytes; at most {Math.Min(maxBodySize, reader.Remaining) + SealHeader.ByteCount} are possible here.", offset);
        }

        return bodySize;
    }

    public static void WriteModulus(SealBodyWriter writer, ulong value)
    {
        WriteHeader(writer, sizeof(ulong));
        writer.WriteUInt64(value);
    }

    /// <summary>Reads a nested Modulus object: a value that is 0 or in [2, 2^61), as SEAL's Modulus holds.</summary>
    public static ulong ReadModulus(ref SealBodyReader reader)
    {
        var offset = reader.Position;
        if (ReadHeader(ref reader, sizeof(ulong)) != sizeof(ulong))
        {
            throw new SealFormatException("A Modulus object holds exactly one u64.", offset);
        }

        var value = reader.ReadUInt64();
        return value == 1 || value >= 1UL << 61
            ? throw new SealFormatException($"Modulus value {value} is invalid: a modulus is 0 or in [2, 2^61).", offset)
            : value;
    }
}
