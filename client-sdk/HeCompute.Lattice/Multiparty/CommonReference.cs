using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// The common reference string of a multiparty session: a 64-byte public seed from which every party (and the
/// aggregator) expands the same uniform polynomials — the a of the collective public key and one a_j per key-switching
/// digit of every relinearization and Galois key. Each polynomial has a seed of its own, BLAKE2b keyed with the common
/// seed over (purpose, Galois element, digit), expanded with SEAL's BLAKE2xb PRNG and uniform sampler directly in NTT
/// form, as SEAL expands a seeded key's c1; so the polynomial for one key never depends on which other keys exist.
/// </summary>
public sealed class CommonReference
{
    /// <summary>Bytes in a common seed (SEAL's 512-bit PRNG seed).</summary>
    public const int SeedBytes = UniformRandomGenerator.SeedByteCount;

    private static readonly byte[] Domain = "HeCompute.Multiparty.CRS.v1"u8.ToArray();

    private readonly byte[] _seed;

    /// <summary>Creates the reference string of a shared 64-byte seed (public, agreed by every party).</summary>
    /// <exception cref="ArgumentException">The seed is not <see cref="SeedBytes"/> bytes.</exception>
    public CommonReference(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"A common reference seed is exactly {SeedBytes} bytes, not {seed.Length}.", nameof(seed));
        }

        _seed = seed.ToArray();
    }

    /// <summary>A reference string with a fresh seed from the OS CSPRNG (the session's creator draws it once).</summary>
    public static CommonReference CreateRandom() => new(RandomNumberGenerator.GetBytes(SeedBytes));

    /// <summary>A copy of the seed, to publish to the other parties.</summary>
    public byte[] Seed => (byte[])_seed.Clone();

    internal ReadOnlySpan<byte> SeedSpan => _seed;

    /// <summary>
    /// Writes the uniform polynomial of (<paramref name="purpose"/>, <paramref name="galoisElement"/>,
    /// <paramref name="digit"/>) at the key level, in NTT form, into <paramref name="destination"/>.
    /// </summary>
    internal void Sample(Level keyLevel, CrsPurpose purpose, uint galoisElement, int digit, Span<ulong> destination)
    {
        Span<byte> label = stackalloc byte[Domain.Length + 12];
        Domain.CopyTo(label);
        BinaryPrimitives.WriteUInt32LittleEndian(label[Domain.Length..], (uint)purpose);
        BinaryPrimitives.WriteUInt32LittleEndian(label[(Domain.Length + 4)..], galoisElement);
        BinaryPrimitives.WriteInt32LittleEndian(label[(Domain.Length + 8)..], digit);
        Span<ulong> seed = stackalloc ulong[UniformRandomGenerator.SeedWordCount];
        Blake2b.Hash(label, MemoryMarshal.AsBytes(seed), _seed);
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < seed.Length; i++)
            {
                seed[i] = BinaryPrimitives.ReverseEndianness(seed[i]);
            }
        }

        using var prng = PrngFactory.Create(PrngType.Blake2xb, seed);
        UniformSampler.SamplePolyUniform(prng, keyLevel.ModuliValues, keyLevel.N, destination);
    }
}

/// <summary>What a common reference polynomial is for (part of its seed derivation).</summary>
internal enum CrsPurpose : uint
{
    PublicKey = 1,
    RelinearizationKey = 2,
    GaloisKey = 3,
}
