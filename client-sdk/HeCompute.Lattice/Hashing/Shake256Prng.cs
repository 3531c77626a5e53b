using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// SEAL's <c>Shake256PRNG</c>: block <c>i</c> is the first 4096 bytes of SHAKE256 over the
/// 72 bytes formed by the seed's words and then the counter <c>i</c>, all little-endian.
/// </summary>
internal sealed class Shake256Prng : UniformRandomGenerator
{
    private const int MessageBytes = SeedByteCount + sizeof(ulong);

    private readonly byte[] _message = new byte[MessageBytes];

    /// <summary>Creates the generator.</summary>
    /// <param name="seed">Exactly 8 words.</param>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 8 words.</exception>
    public Shake256Prng(ReadOnlySpan<ulong> seed)
        : base(seed)
    {
        WriteSeedBytes(_message);
    }

    /// <inheritdoc/>
    public override PrngType Type => PrngType.Shake256;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_message);
        base.Dispose(disposing);
    }

    private protected override void FillBlock(ulong counter, Span<byte> block)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_message.AsSpan(SeedByteCount), counter);
        if (System.Security.Cryptography.Shake256.IsSupported)
        {
            System.Security.Cryptography.Shake256.HashData(_message, block);
        }
        else
        {
            Keccak1600.Shake256(_message, block);
        }
    }
}
