using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

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

    private Words8 _h;
    private BlockBuffer _buffer;
    private ulong _t0;
    private ulong _t1;
    private int _filled;
    private int _digestLength;

    /// <summary>Bytes compressed so far (the low counter word); buffered input is not counted.</summary>
    public readonly ulong CompressedBytes => _t0;

    /// <summary>Bytes of input buffered and not yet compressed.</summary>
    public readonly int BufferedBytes => _filled;

    /// <summary>Word <paramref name="index"/> (0-7) of the chaining value, for kernels that continue this hash themselves.</summary>
    public readonly ulong ChainingWord(int index) => _h[index];

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

    /// <summary>
    /// Compresses a completely filled buffer now rather than on the next <see cref="Update"/>, and
    /// wipes it. Only valid when more input is certain to follow, since the block is compressed as
    /// not final. After <see cref="AbsorbKey"/> this leaves a state that can be copied and reused
    /// for many messages under the same key, each then costing one compression less.
    /// </summary>
    public void CompressFullBuffer()
    {
        if (_filled == BlockBytes)
        {
            Span<byte> buffer = _buffer;
            Compress(buffer, BlockBytes, last: false);
            buffer.Clear();
            _filled = 0;
        }
    }

    /// <summary>Writes the digest; <paramref name="output"/> must hold the digest length given at initialization.</summary>
    public void Final(Span<byte> output)
    {
        Span<byte> buffer = _buffer;
        buffer[_filled..].Clear();
        Compress(buffer, (uint)_filled, last: true);

        ReadOnlySpan<ulong> h = _h;
        int wholeWords = _digestLength / sizeof(ulong);
        for (int i = 0; i < wholeWords; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output[(i * sizeof(ulong))..], h[i]);
        }

        int tailBytes = _digestLength % sizeof(ulong);
        if (tailBytes != 0)
        {
            Span<byte> tail = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(tail, h[wholeWords]);
            tail[..tailBytes].CopyTo(output[(wholeWords * sizeof(ulong))..]);
            CryptographicOperations.ZeroMemory(tail);
        }
    }

    /// <summary>Wipes chaining value and buffered input, which may be key material.</summary>
    public void Clear()
    {
        ((Span<ulong>)_h).Clear();
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

        ulong m0 = Word(block, 0), m1 = Word(block, 1), m2 = Word(block, 2), m3 = Word(block, 3);
        ulong m4 = Word(block, 4), m5 = Word(block, 5), m6 = Word(block, 6), m7 = Word(block, 7);
        ulong m8 = Word(block, 8), m9 = Word(block, 9), m10 = Word(block, 10), m11 = Word(block, 11);
        ulong m12 = Word(block, 12), m13 = Word(block, 13), m14 = Word(block, 14), m15 = Word(block, 15);

        Span<ulong> h = _h;
        ReadOnlySpan<ulong> iv = IV;
        ulong v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        ulong v8 = iv[0], v9 = iv[1], v10 = iv[2], v11 = iv[3];
        ulong v12 = iv[4] ^ _t0, v13 = iv[5] ^ _t1, v14 = last ? ~iv[6] : iv[6], v15 = iv[7];

        // Fully unrolled so the message schedule (RFC 7693 SIGMA, rows 0-9 then 0-1 again) is
        // resolved at compile time and all 32 words stay in registers or fixed stack slots.
        // Round 0
        G(ref v0, ref v4, ref v8, ref v12, m0, m1);
        G(ref v1, ref v5, ref v9, ref v13, m2, m3);
        G(ref v2, ref v6, ref v10, ref v14, m4, m5);
        G(ref v3, ref v7, ref v11, ref v15, m6, m7);
        G(ref v0, ref v5, ref v10, ref v15, m8, m9);
        G(ref v1, ref v6, ref v11, ref v12, m10, m11);
        G(ref v2, ref v7, ref v8, ref v13, m12, m13);
        G(ref v3, ref v4, ref v9, ref v14, m14, m15);
        // Round 1
        G(ref v0, ref v4, ref v8, ref v12, m14, m10);
        G(ref v1, ref v5, ref v9, ref v13, m4, m8);
        G(ref v2, ref v6, ref v10, ref v14, m9, m15);
        G(ref v3, ref v7, ref v11, ref v15, m13, m6);
        G(ref v0, ref v5, ref v10, ref v15, m1, m12);
        G(ref v1, ref v6, ref v11, ref v12, m0, m2);
        G(ref v2, ref v7, ref v8, ref v13, m11, m7);
        G(ref v3, ref v4, ref v9, ref v14, m5, m3);
        // Round 2
        G(ref v0, ref v4, ref v8, ref v12, m11, m8);
        G(ref v1, ref v5, ref v9, ref v13, m12, m0);
        G(ref v2, ref v6, ref v10, ref v14, m5, m2);
        G(ref v3, ref v7, ref v11, ref v15, m15, m13);
        G(ref v0, ref v5, ref v10, ref v15, m10, m14);
        G(ref v1, ref v6, ref v11, ref v12, m3, m6);
        G(ref v2, ref v7, ref v8, ref v13, m7, m1);
        G(ref v3, ref v4, ref v9, ref v14, m9, m4);
        // Round 3
        G(ref v0, ref v4, ref v8, ref v12, m7, m9);
        G(ref v1, ref v5, ref v9, ref v13, m3, m1);
        G(ref v2, ref v6, ref v10, ref v14, m13, m12);
        G(ref v3, ref v7, ref v11, ref v15, m11, m14);
        G(ref v0, ref v5, ref v10, ref v15, m2, m6);
        G(ref v1, ref v6, ref v11, ref v12, m5, m10);
        G(ref v2, ref v7, ref v8, ref v13, m4, m0);
        G(ref v3, ref v4, ref v9, ref v14, m15, m8);
        // Round 4
        G(ref v0, ref v4, ref v8, ref v12, m9, m0);
        G(ref v1, ref v5, ref v9, ref v13, m5, m7);
        G(ref v2, ref v6, ref v10, ref v14, m2, m4);
        G(ref v3, ref v7, ref v11, ref v15, m10, m15);
        G(ref v0, ref v5, ref v10, ref v15, m14, m1);
        G(ref v1, ref v6, ref v11, ref v12, m11, m12);
        G(ref v2, ref v7, ref v8, ref v13, m6, m8);
        G(ref v3, ref v4, ref v9, ref v14, m3, m13);
        // Round 5
        G(ref v0, ref v4, ref v8, ref v12, m2, m12);
        G(ref v1, ref v5, ref v9, ref v13, m6, m10);
        G(ref v2, ref v6, ref v10, ref v14, m0, m11);
        G(ref v3, ref v7, ref v11, ref v15, m8, m3);
        G(ref v0, ref v5, ref v10, ref v15, m4, m13);
        G(ref v1, ref v6, ref v11, ref v12, m7, m5);
        G(ref v2, ref v7, ref v8, ref v13, m15, m14);
        G(ref v3, ref v4, ref v9, ref v14, m1, m9);
        // Round 6
        G(ref v0, ref v4, ref v8, ref v12, m12, m5);
        G(ref v1, ref v5, ref v9, ref v13, m1, m15);
        G(ref v2, ref v6, ref v10, ref v14, m14, m13);
        G(ref v3, ref v7, ref v11, ref v15, m4, m10);
        G(ref v0, ref v5, ref v10, ref v15, m0, m7);
        G(ref v1, ref v6, ref v11, ref v12, m6, m3);
        G(ref v2, ref v7, ref v8, ref v13, m9, m2);
        G(ref v3, ref v4, ref v9, ref v14, m8, m11);
        // Round 7
        G(ref v0, ref v4, ref v8, ref v12, m13, m11);
        G(ref v1, ref v5, ref v9, ref v13, m7, m14);
        G(ref v2, ref v6, ref v10, ref v14, m12, m1);
        G(ref v3, ref v7, ref v11, ref v15, m3, m9);
        G(ref v0, ref v5, ref v10, ref v15, m5, m0);
        G(ref v1, ref v6, ref v11, ref v12, m15, m4);
        G(ref v2, ref v7, ref v8, ref v13, m8, m6);
        G(ref v3, ref v4, ref v9, ref v14, m2, m10);
        // Round 8
        G(ref v0, ref v4, ref v8, ref v12, m6, m15);
        G(ref v1, ref v5, ref v9, ref v13, m14, m9);
        G(ref v2, ref v6, ref v10, ref v14, m11, m3);
        G(ref v3, ref v7, ref v11, ref v15, m0, m8);
        G(ref v0, ref v5, ref v10, ref v15, m12, m2);
        G(ref v1, ref v6, ref v11, ref v12, m13, m7);
        G(ref v2, ref v7, ref v8, ref v13, m1, m4);
        G(ref v3, ref v4, ref v9, ref v14, m10, m5);
        // Round 9
        G(ref v0, ref v4, ref v8, ref v12, m10, m2);
        G(ref v1, ref v5, ref v9, ref v13, m8, m4);
        G(ref v2, ref v6, ref v10, ref v14, m7, m6);
        G(ref v3, ref v7, ref v11, ref v15, m1, m5);
        G(ref v0, ref v5, ref v10, ref v15, m15, m11);
        G(ref v1, ref v6, ref v11, ref v12, m9, m14);
        G(ref v2, ref v7, ref v8, ref v13, m3, m12);
        G(ref v3, ref v4, ref v9, ref v14, m13, m0);
        // Round 10
        G(ref v0, ref v4, ref v8, ref v12, m0, m1);
        G(ref v1, ref v5, ref v9, ref v13, m2, m3);
        G(ref v2, ref v6, ref v10, ref v14, m4, m5);
        G(ref v3, ref v7, ref v11, ref v15, m6, m7);
        G(ref v0, ref v5, ref v10, ref v15, m8, m9);
        G(ref v1, ref v6, ref v11, ref v12, m10, m11);
        G(ref v2, ref v7, ref v8, ref v13, m12, m13);
        G(ref v3, ref v4, ref v9, ref v14, m14, m15);
        // Round 11
        G(ref v0, ref v4, ref v8, ref v12, m14, m10);
        G(ref v1, ref v5, ref v9, ref v13, m4, m8);
        G(ref v2, ref v6, ref v10, ref v14, m9, m15);
        G(ref v3, ref v7, ref v11, ref v15, m13, m6);
        G(ref v0, ref v5, ref v10, ref v15, m1, m12);
        G(ref v1, ref v6, ref v11, ref v12, m0, m2);
        G(ref v2, ref v7, ref v8, ref v13, m11, m7);
        G(ref v3, ref v4, ref v9, ref v14, m5, m3);

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
    private static ulong Word(ReadOnlySpan<byte> block, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(block[(index * sizeof(ulong))..]);

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

    [InlineArray(BlockBytes)]
    private struct BlockBuffer
    {
        private byte _element;
    }
}
