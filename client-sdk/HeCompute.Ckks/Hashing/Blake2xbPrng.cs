using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HeCompute.Ckks.Hashing;

/// <summary>
/// SEAL's <c>Blake2xbPRNG</c>: block <c>i</c> is BLAKE2Xb with 4096-byte output, keyed with the
/// 64 seed bytes, over the 8 little-endian bytes of the counter <c>i</c>.
/// </summary>
public sealed class Blake2xbPrng : UniformRandomGenerator
{
    private readonly byte[] _key = new byte[SeedByteCount];

    /// <summary>Creates the generator.</summary>
    /// <param name="seed">Exactly 8 words.</param>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 8 words.</exception>
    public Blake2xbPrng(ReadOnlySpan<ulong> seed)
        : base(seed)
    {
        WriteSeedBytes(_key);
    }

    /// <inheritdoc/>
    public override PrngType Type => PrngType.Blake2xb;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_key);
        base.Dispose(disposing);
    }

    private protected override void FillBlock(ulong counter, Span<byte> block)
    {
        Span<byte> message = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(message, counter);
        Blake2xb.Hash(message, block, _key);
    }
}
