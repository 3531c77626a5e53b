using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace HeCompute.Ckks.Hashing;

/// <summary>
/// Streaming BLAKE2b (RFC 7693) with direct access to the parameter block, which BLAKE2xb needs
/// for its root and output nodes. Lives on the stack: no heap allocation per hash or per block.
/// </summary>
internal struct Blake2bState
{
    public const int BlockBytes = 128;
    public const int MaxDigestBytes = 64;
    public const int MaxKeyBytes = 64;

    private static ReadOnlySpan<ulong> IV =>
    [
        0x6A09E667F3BCC908UL, 0xBB67AE8584CAA73BUL, 0x3C6EF372FE94F82BUL, 0xA54FF53A5F1D36F1UL,
        0x510E527FADE682D1UL, 0x9B05688C2B3E6C1FUL, 0x1F83D9ABFB41BD6BUL, 0x5BE0CD19137E2179UL,
    ];

    // RFC 7693 section 2.7; rounds 10 and 11 reuse rows 0 and 1.
    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    private Words8 _h;
    private Words16 _m;
    private BlockBuffer _buffer;
    private ulong _t0;
    private ulong _t1;
    private int _filled;
    private int _digestLength;

    /// <summary>
    /// Builds parameter-block word 0: digest length, key length, fanout, depth and leaf length.
    /// </summary>
    public static ulong ParameterWord0(int digestLength, int keyLength, byte fanout, byte depth, uint leafLength) =>
        (ulong)(byte)digestLength
        | ((ulong)(byte)keyLength << 8)
        | ((ulong)fanout << 16)
        | ((ulong)depth << 24)
        | ((ulong)leafLength << 32);

    /// <summary>
    /// Starts a hash from the first three parameter-block words (salt and personalization are
    /// zero everywhere SEAL uses BLAKE2b). Word 1 is the node offset; BLAKE2X puts its XOF
    /// length in the upper half. Word 2 carries node depth and inner length.
    /// </summary>
    public void Initialize(ulong word0, ulong word1, ulong word2)
    {
        Span<ulong> h = _h;
        ReadOnlySpan<ulong> iv = IV;
        iv.CopyTo(h);
        h[0] ^= word0;
        h[1] ^= word1;
        h[2] ^= word2;
        _t0 = 0;
        _t1 = 0;
        _filled = 0;
        _digestLength = (byte)word0;
    }

    /// <summary>Absorbs a key as its own zero-padded block, as RFC 7693 prescribes for keyed hashing.</summary>
    public void AbsorbKey(ReadOnlySpan<byte> key)
    {
        Span<byte> block = stackalloc byte[BlockBytes];
        block.Clear();
        key.CopyTo(block);
        Update(block);
        CryptographicOperations.ZeroMemory(block);
    }

    public void Update(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        Span<byte> buffer = _buffer;
        int free = BlockBytes - _filled;

        // A block is compressed only once more input is known to follow, because the final
        // block must be compressed with the finalization flag set.
        if (input.Length > free)
        {
            input[..free].CopyTo(buffer[_filled..]);
            Compress(buffer, BlockBytes, last: false);
            input = input[free..];
            _filled = 0;
            while (input.Length > BlockBytes)
            {
                Compress(input[..BlockBytes], BlockBytes, last: false);
                input = input[BlockBytes..];
            }
        }

        input.CopyTo(buffer[_filled..]);
        _filled += input.Length;
    }

    /// <summary>Writes the digest; <paramref name="output"/> must hold the digest length given at initialization.</summary>
    public void Final(Span<byte> output)
    {
        Span<byte> buffer = _buffer;
        buffer[_filled..].Clear();
        Compress(buffer, (uint)_filled, last: true);

        Span<byte> full = stackalloc byte[MaxDigestBytes];
        ReadOnlySpan<ulong> h = _h;
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(full[(i * 8)..], h[i]);
        }

        full[.._digestLength].CopyTo(output);
        CryptographicOperations.ZeroMemory(full);
    }

    /// <summary>Wipes chaining value and buffered input, which may be key material.</summary>
    public void Clear()
    {
        ((Span<ulong>)_h).Clear();
        ((Span<ulong>)_m).Clear();
        ((Span<byte>)_buffer).Clear();
        _t0 = 0;
        _t1 = 0;
        _filled = 0;
    }

    private void Compress(ReadOnlySpan<byte> block, uint byteCount, bool last)
    {
        _t0 += byteCount;
        if (_t0 < byteCount)
        {
            _t1++;
        }

        Span<ulong> m = _m;
        for (int i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt64LittleEndian(block[(i * 8)..]);
        }

        Span<ulong> h = _h;
        ReadOnlySpan<ulong> iv = IV;
        ulong v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        ulong v8 = iv[0], v9 = iv[1], v10 = iv[2], v11 = iv[3];
        ulong v12 = iv[4] ^ _t0, v13 = iv[5] ^ _t1, v14 = last ? ~iv[6] : iv[6], v15 = iv[7];

        ReadOnlySpan<byte> sigma = Sigma;
        for (int round = 0; round < 12; round++)
        {
            ReadOnlySpan<byte> s = sigma.Slice(round % 10 * 16, 16);
            G(ref v0, ref v4, ref v8, ref v12, m[s[0]], m[s[1]]);
            G(ref v1, ref v5, ref v9, ref v13, m[s[2]], m[s[3]]);
            G(ref v2, ref v6, ref v10, ref v14, m[s[4]], m[s[5]]);
            G(ref v3, ref v7, ref v11, ref v15, m[s[6]], m[s[7]]);
            G(ref v0, ref v5, ref v10, ref v15, m[s[8]], m[s[9]]);
            G(ref v1, ref v6, ref v11, ref v12, m[s[10]], m[s[11]]);
            G(ref v2, ref v7, ref v8, ref v13, m[s[12]], m[s[13]]);
            G(ref v3, ref v4, ref v9, ref v14, m[s[14]], m[s[15]]);
        }

        h[0] ^= v0 ^ v8;
        h[1] ^= v1 ^ v9;
        h[2] ^= v2 ^ v10;
        h[3] ^= v3 ^ v11;
        h[4] ^= v4 ^ v12;
        h[5] ^= v5 ^ v13;
        h[6] ^= v6 ^ v14;
        h[7] ^= v7 ^ v15;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref ulong a, ref ulong b, ref ulong c, ref ulong d, ulong x, ulong y)
    {
        a += b + x;
        d = BitOperations.RotateRight(d ^ a, 32);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 24);
        a += b + y;
        d = BitOperations.RotateRight(d ^ a, 16);
        c += d;
        b = BitOperations.RotateRight(b ^ c, 63);
    }

    [InlineArray(8)]
    private struct Words8
    {
        private ulong _element;
    }

    [InlineArray(16)]
    private struct Words16
    {
        private ulong _element;
    }

    [InlineArray(BlockBytes)]
    private struct BlockBuffer
    {
        private byte _element;
    }
}
