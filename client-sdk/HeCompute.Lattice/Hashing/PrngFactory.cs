using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

/// <summary>Creates SEAL-compatible PRNGs and fresh seeds.</summary>
internal static class PrngFactory
{
    /// <summary>The PRNG SEAL uses unless built otherwise (<c>SEAL_DEFAULT_PRNG=Blake2xb</c>).</summary>
    public const PrngType DefaultType = PrngType.Blake2xb;

    /// <summary>Creates a generator of the given type from a seed.</summary>
    /// <param name="type"><see cref="PrngType.Blake2xb"/> or <see cref="PrngType.Shake256"/>.</param>
    /// <param name="seed">Exactly 8 words.</param>
    /// <returns>The generator, positioned at the start of its stream.</returns>
    /// <exception cref="ArgumentException">Unknown type or seed not 8 words.</exception>
    public static UniformRandomGenerator Create(PrngType type, ReadOnlySpan<ulong> seed) => type switch
    {
        PrngType.Blake2xb => new Blake2xbPrng(seed),
        PrngType.Shake256 => new Shake256Prng(seed),
        _ => throw new ArgumentException($"PRNG type {(byte)type} cannot be instantiated.", nameof(type)),
    };

    /// <summary>Creates a generator of the given type with a fresh seed from the OS CSPRNG.</summary>
    /// <param name="type"><see cref="PrngType.Blake2xb"/> or <see cref="PrngType.Shake256"/>.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="ArgumentException">Unknown type.</exception>
    public static UniformRandomGenerator CreateRandom(PrngType type = DefaultType)
    {
        Span<ulong> seed = stackalloc ulong[UniformRandomGenerator.SeedWordCount];
        NewRandomSeed(seed);
        try
        {
            return Create(type, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(seed));
        }
    }

    /// <summary>Fills an 8-word seed from the OS CSPRNG (SEAL's <c>random_bytes</c>).</summary>
    /// <param name="seed">Exactly 8 words.</param>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 8 words.</exception>
    public static void NewRandomSeed(Span<ulong> seed)
    {
        if (seed.Length != UniformRandomGenerator.SeedWordCount)
        {
            throw new ArgumentException($"A PRNG seed is exactly {UniformRandomGenerator.SeedWordCount} words.", nameof(seed));
        }

        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(seed));
    }
}
