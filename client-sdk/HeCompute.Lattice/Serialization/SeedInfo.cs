using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Serialization;

/// <summary>
/// The PRNG type and 512-bit seed from which a seeded ciphertext's c1 is regenerated (SEAL's
/// UniformRandomGeneratorInfo, written as its own nested object after c0).
/// </summary>
internal sealed class SeedInfo
{
    public const int SeedWords = 8;

    public SeedInfo(PrngType type, ReadOnlySpan<ulong> seed)
    {
        if (seed.Length != SeedWords)
        {
            throw new ArgumentException($"A seed has {SeedWords} words.", nameof(seed));
        }

        Type = type;
        Seed = seed.ToArray();
    }

    public PrngType Type { get; }

    public ulong[] Seed { get; }

    public void Write(SealBodyWriter writer)
    {
        NestedObjects.WriteHeader(writer, 1 + (8 * SeedWords));
        writer.WriteByte((byte)Type);
        writer.WriteUInt64s(Seed);
    }

    public static SeedInfo Read(ref SealBodyReader reader)
    {
        var offset = reader.Position;
        if (NestedObjects.ReadHeader(ref reader, 1 + (8 * SeedWords)) != 1 + (8 * SeedWords))
        {
            throw new SealFormatException("A PRNG info object holds a type byte and a 64-byte seed.", offset);
        }

        var type = (PrngType)reader.ReadByte();
        if (type is not (PrngType.Blake2xb or PrngType.Shake256))
        {
            throw new SealFormatException($"Unknown PRNG type {(byte)type} in a seeded object.", offset + SealHeader.ByteCount);
        }

        Span<ulong> seed = stackalloc ulong[SeedWords];
        reader.ReadUInt64s(seed);
        return new SeedInfo(type, seed);
    }
}
