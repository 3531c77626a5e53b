using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// The BLAKE2b compressions of <see cref="Blake2xbPrng"/>, several at a time, one per 64-bit
/// vector lane. Two kinds of batch have the shape this needs, a single final block per
/// compression and starting states that differ in only one word:
/// <list type="bullet">
/// <item>the output nodes of one BLAKE2Xb. Node <c>i</c> compresses the 64-byte root hash
/// followed by 64 zero bytes (byte count 64) and its state differs from the other nodes' only in
/// <c>h[1] = IV[1] ^ (xofLength &lt;&lt; 32 | i)</c>;</item>
/// <item>the keyed roots of consecutive blocks. Once the key block is compressed, the root of
/// block <c>c</c> compresses <c>c</c> as 8 little-endian bytes followed by zeros (byte count 136)
/// from a chaining value every block shares; only message word 0 differs.</item>
/// </list>
/// Lane <c>k</c> of a vector holds compression <c>k</c>'s copy of one work word and shared words
/// are broadcast. The round-0 column steps that the differing word does not reach are computed
/// once in scalar code, and message words known to be zero are compile-time zeros whose additions
/// the JIT drops.
/// </summary>
internal static class Blake2xbLaneKernels
{
    /// <summary>Bytes per output node and per root hash.</summary>
    public const int NodeBytes = Blake2bState.MaxDigestBytes;

    private const ulong IV0 = 0x6A09E667F3BCC908UL;
    private const ulong IV1 = 0xBB67AE8584CAA73BUL;
    private const ulong IV2 = 0x3C6EF372FE94F82BUL;
    private const ulong IV3 = 0xA54FF53A5F1D36F1UL;
    private const ulong IV4 = 0x510E527FADE682D1UL;
    private const ulong IV5 = 0x9B05688C2B3E6C1FUL;
    private const ulong IV6 = 0x1F83D9ABFB41BD6BUL;
    private const ulong IV7 = 0x5BE0CD19137E2179UL;

    // Output-node parameter block: digest length 64, key length 0, fanout 0, depth 0, leaf length 64
    // (word 0); node depth 0 and inner length 64 (word 2). Words 3-7 (salt, personalization) are zero.
    private const ulong NodeH0 = IV0 ^ (NodeBytes | ((ulong)NodeBytes << 32));
    private const ulong NodeH2 = IV2 ^ ((ulong)NodeBytes << 8);

    // Byte counts at the final compression: the root hash for a node; key block and counter for a root.
    private const ulong NodeByteCount = NodeBytes;
    private const ulong RootByteCount = Blake2bState.BlockBytes + sizeof(ulong);

    /// <summary>Most compressions any kernel runs at once, the lane count of <see cref="Blake2xbLanes.Vector512"/>.</summary>
    public const int MaxLanes = (int)Blake2xbLanes.Vector512;

    /// <summary>The widest lane count that is supported and that the runtime treats as fast here.</summary>
    public static Blake2xbLanes Best { get; } =
        IsSupported(Blake2xbLanes.Vector512) && Vector512.IsHardwareAccelerated ? Blake2xbLanes.Vector512
        : IsSupported(Blake2xbLanes.Vector256) && Vector256.IsHardwareAccelerated ? Blake2xbLanes.Vector256
        : Blake2xbLanes.Scalar;

    /// <summary>Whether this machine can run the given lane count at all.</summary>
    public static bool IsSupported(Blake2xbLanes lanes) => lanes switch
    {
        Blake2xbLanes.Scalar => true,
        Blake2xbLanes.Vector256 => BitConverter.IsLittleEndian && Avx2.IsSupported,
        Blake2xbLanes.Vector512 => BitConverter.IsLittleEndian && Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Writes output nodes <c>0 .. output.Length / 64 - 1</c> of a BLAKE2Xb with total output
    /// length <paramref name="xofLength"/> whose root hash is <paramref name="root"/>.
    /// </summary>
    /// <param name="lanes"><see cref="Blake2xbLanes.Vector256"/> or <see cref="Blake2xbLanes.Vector512"/>, supported here.</param>
    /// <param name="root">The 64-byte root hash.</param>
    /// <param name="xofLength">The BLAKE2Xb output length, which every node's parameter block carries.</param>
    /// <param name="output">A whole number of lane groups of nodes (256 or 512 bytes).</param>
    /// <exception cref="ArgumentException">Unsupported lanes, or a root or output of the wrong size.</exception>
    public static void FillNodes(Blake2xbLanes lanes, ReadOnlySpan<byte> root, uint xofLength, Span<byte> output)
    {
        CheckVectorLanes(lanes);
        if (root.Length != NodeBytes)
        {
            throw new ArgumentException($"The root hash is {NodeBytes} bytes.", nameof(root));
        }

        if (output.Length % ((int)lanes * NodeBytes) != 0 || (ulong)output.Length > xofLength)
        {
            throw new ArgumentException("Output must be whole lane groups of nodes within the output length.", nameof(output));
        }

        var setup = new NodeSetup(root, xofLength);
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(output);
        if (lanes == Blake2xbLanes.Vector512)
        {
            FillNodes512(setup, words);
        }
        else
        {
            FillNodes256(setup, words);
        }
    }

    /// <summary>
    /// Writes the root hashes of blocks <paramref name="firstCounter"/> onwards, one per lane,
    /// block <c>firstCounter + k</c>'s to <c>roots[64k .. 64k + 64]</c>.
    /// </summary>
    /// <param name="lanes"><see cref="Blake2xbLanes.Vector256"/> or <see cref="Blake2xbLanes.Vector512"/>, supported here.</param>
    /// <param name="key">The generator's keyed root state.</param>
    /// <param name="firstCounter">Counter of the first block; counters wrap like SEAL's 64-bit counter.</param>
    /// <param name="roots">Exactly <c>64 * lanes</c> bytes.</param>
    /// <exception cref="ArgumentException">Unsupported lanes, or <paramref name="roots"/> of the wrong size.</exception>
    public static void ComputeRoots(Blake2xbLanes lanes, in CounterRootSetup key, ulong firstCounter, Span<byte> roots)
    {
        CheckVectorLanes(lanes);
        if (roots.Length != (int)lanes * NodeBytes)
        {
            throw new ArgumentException($"{lanes} lanes compute {(int)lanes * NodeBytes} root bytes.", nameof(roots));
        }

        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(roots);
        if (lanes == Blake2xbLanes.Vector512)
        {
            ComputeRoots512(key, firstCounter, words);
        }
        else
        {
            ComputeRoots256(key, firstCounter, words);
        }
    }

    private static void CheckVectorLanes(Blake2xbLanes lanes)
    {
        if (lanes == Blake2xbLanes.Scalar || !IsSupported(lanes))
        {
            throw new ArgumentException($"{lanes} lanes cannot be computed here.", nameof(lanes));
        }
    }

    private static void FillNodes512(in NodeSetup s, Span<ulong> words)
    {
        Vector512<ulong> m0 = Vector512.Create(s.M0), m1 = Vector512.Create(s.M1);
        Vector512<ulong> m2 = Vector512.Create(s.M2), m3 = Vector512.Create(s.M3);
        Vector512<ulong> m4 = Vector512.Create(s.M4), m5 = Vector512.Create(s.M5);
        Vector512<ulong> m6 = Vector512.Create(s.M6), m7 = Vector512.Create(s.M7);
        Vector512<ulong> nodes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> nextGroup = Vector512.Create(8UL);

        const int groupWords = 8 * 8;
        for (int offset = 0; offset < words.Length; offset += groupWords)
        {
            // Node offsets stay below 2^32, under the output length in the high half, so OR is XOR.
            Vector512<ulong> h1 = Vector512.Create(s.H1) ^ nodes;

            // Round 0, column step: columns 0, 2 and 3 are the same in every node.
            Vector512<ulong> v0 = Vector512.Create(s.V0), v4 = Vector512.Create(s.V4);
            Vector512<ulong> v8 = Vector512.Create(s.V8), v12 = Vector512.Create(s.V12);
            Vector512<ulong> v2 = Vector512.Create(s.V2), v6 = Vector512.Create(s.V6);
            Vector512<ulong> v10 = Vector512.Create(s.V10), v14 = Vector512.Create(s.V14);
            Vector512<ulong> v3 = Vector512.Create(s.V3), v7 = Vector512.Create(s.V7);
            Vector512<ulong> v11 = Vector512.Create(s.V11), v15 = Vector512.Create(s.V15);
            Vector512<ulong> v1 = h1, v5 = Vector512.Create(IV5), v9 = Vector512.Create(IV1), v13 = Vector512.Create(IV5);
            G(ref v1, ref v5, ref v9, ref v13, m2, m3);

            Rounds(
                ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
                ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m0, m1, m2, m3, m4, m5, m6, m7);

            // Row r holds word r of the group's 8 nodes; node k's digest is column k.
            StoreTransposed(
                Vector512.Create(NodeH0) ^ v0 ^ v8,
                h1 ^ v1 ^ v9,
                Vector512.Create(NodeH2) ^ v2 ^ v10,
                Vector512.Create(IV3) ^ v3 ^ v11,
                Vector512.Create(IV4) ^ v4 ^ v12,
                Vector512.Create(IV5) ^ v5 ^ v13,
                Vector512.Create(IV6) ^ v6 ^ v14,
                Vector512.Create(IV7) ^ v7 ^ v15,
                words.Slice(offset, groupWords));
            nodes += nextGroup;
        }
    }

    private static void FillNodes256(in NodeSetup s, Span<ulong> words)
    {
        Vector256<ulong> m0 = Vector256.Create(s.M0), m1 = Vector256.Create(s.M1);
        Vector256<ulong> m2 = Vector256.Create(s.M2), m3 = Vector256.Create(s.M3);
        Vector256<ulong> m4 = Vector256.Create(s.M4), m5 = Vector256.Create(s.M5);
        Vector256<ulong> m6 = Vector256.Create(s.M6), m7 = Vector256.Create(s.M7);
        Vector256<ulong> nodes = Vector256.Create(0UL, 1, 2, 3);
        Vector256<ulong> nextGroup = Vector256.Create(4UL);

        const int groupWords = 4 * 8;
        for (int offset = 0; offset < words.Length; offset += groupWords)
        {
            Vector256<ulong> h1 = Vector256.Create(s.H1) ^ nodes;
            Vector256<ulong> v0 = Vector256.Create(s.V0), v4 = Vector256.Create(s.V4);
            Vector256<ulong> v8 = Vector256.Create(s.V8), v12 = Vector256.Create(s.V12);
            Vector256<ulong> v2 = Vector256.Create(s.V2), v6 = Vector256.Create(s.V6);
            Vector256<ulong> v10 = Vector256.Create(s.V10), v14 = Vector256.Create(s.V14);
            Vector256<ulong> v3 = Vector256.Create(s.V3), v7 = Vector256.Create(s.V7);
            Vector256<ulong> v11 = Vector256.Create(s.V11), v15 = Vector256.Create(s.V15);
            Vector256<ulong> v1 = h1, v5 = Vector256.Create(IV5), v9 = Vector256.Create(IV1), v13 = Vector256.Create(IV5);
            G(ref v1, ref v5, ref v9, ref v13, m2, m3);

            Rounds(
                ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
                ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
                m0, m1, m2, m3, m4, m5, m6, m7);

            Span<ulong> group = words.Slice(offset, groupWords);
            StoreTransposed(
                Vector256.Create(NodeH0) ^ v0 ^ v8,
                h1 ^ v1 ^ v9,
                Vector256.Create(NodeH2) ^ v2 ^ v10,
                Vector256.Create(IV3) ^ v3 ^ v11,
                group,
                0);
            StoreTransposed(
                Vector256.Create(IV4) ^ v4 ^ v12,
                Vector256.Create(IV5) ^ v5 ^ v13,
                Vector256.Create(IV6) ^ v6 ^ v14,
                Vector256.Create(IV7) ^ v7 ^ v15,
                group,
                4);
            nodes += nextGroup;
        }
    }

    private static void ComputeRoots512(in CounterRootSetup s, ulong firstCounter, Span<ulong> words)
    {
        Vector512<ulong> m0 = Vector512.Create(firstCounter) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);

        // Round 0, column step: columns 1-3 see only zero message words and are the same for every block.
        Vector512<ulong> v0 = Vector512.Create(s.H0), v4 = Vector512.Create(s.H4);
        Vector512<ulong> v8 = Vector512.Create(IV0), v12 = Vector512.Create(IV4 ^ RootByteCount);
        G(ref v0, ref v4, ref v8, ref v12, m0, Vector512<ulong>.Zero);
        Vector512<ulong> v1 = Vector512.Create(s.V1), v5 = Vector512.Create(s.V5);
        Vector512<ulong> v9 = Vector512.Create(s.V9), v13 = Vector512.Create(s.V13);
        Vector512<ulong> v2 = Vector512.Create(s.V2), v6 = Vector512.Create(s.V6);
        Vector512<ulong> v10 = Vector512.Create(s.V10), v14 = Vector512.Create(s.V14);
        Vector512<ulong> v3 = Vector512.Create(s.V3), v7 = Vector512.Create(s.V7);
        Vector512<ulong> v11 = Vector512.Create(s.V11), v15 = Vector512.Create(s.V15);

        Rounds(
            ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
            ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
            m0, Vector512<ulong>.Zero, Vector512<ulong>.Zero, Vector512<ulong>.Zero,
            Vector512<ulong>.Zero, Vector512<ulong>.Zero, Vector512<ulong>.Zero, Vector512<ulong>.Zero);

        StoreTransposed(
            Vector512.Create(s.H0) ^ v0 ^ v8,
            Vector512.Create(s.H1) ^ v1 ^ v9,
            Vector512.Create(s.H2) ^ v2 ^ v10,
            Vector512.Create(s.H3) ^ v3 ^ v11,
            Vector512.Create(s.H4) ^ v4 ^ v12,
            Vector512.Create(s.H5) ^ v5 ^ v13,
            Vector512.Create(s.H6) ^ v6 ^ v14,
            Vector512.Create(s.H7) ^ v7 ^ v15,
            words);
    }

    private static void ComputeRoots256(in CounterRootSetup s, ulong firstCounter, Span<ulong> words)
    {
        Vector256<ulong> m0 = Vector256.Create(firstCounter) + Vector256.Create(0UL, 1, 2, 3);

        Vector256<ulong> v0 = Vector256.Create(s.H0), v4 = Vector256.Create(s.H4);
        Vector256<ulong> v8 = Vector256.Create(IV0), v12 = Vector256.Create(IV4 ^ RootByteCount);
        G(ref v0, ref v4, ref v8, ref v12, m0, Vector256<ulong>.Zero);
        Vector256<ulong> v1 = Vector256.Create(s.V1), v5 = Vector256.Create(s.V5);
        Vector256<ulong> v9 = Vector256.Create(s.V9), v13 = Vector256.Create(s.V13);
        Vector256<ulong> v2 = Vector256.Create(s.V2), v6 = Vector256.Create(s.V6);
        Vector256<ulong> v10 = Vector256.Create(s.V10), v14 = Vector256.Create(s.V14);
        Vector256<ulong> v3 = Vector256.Create(s.V3), v7 = Vector256.Create(s.V7);
        Vector256<ulong> v11 = Vector256.Create(s.V11), v15 = Vector256.Create(s.V15);

        Rounds(
            ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
            ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15,
            m0, Vector256<ulong>.Zero, Vector256<ulong>.Zero, Vector256<ulong>.Zero,
            Vector256<ulong>.Zero, Vector256<ulong>.Zero, Vector256<ulong>.Zero, Vector256<ulong>.Zero);

        StoreTransposed(
            Vector256.Create(s.H0) ^ v0 ^ v8,
            Vector256.Create(s.H1) ^ v1 ^ v9,
            Vector256.Create(s.H2) ^ v2 ^ v10,
            Vector256.Create(s.H3) ^ v3 ^ v11,
            words,
            0);
        StoreTransposed(
            Vector256.Create(s.H4) ^ v4 ^ v12,
            Vector256.Create(s.H5) ^ v5 ^ v13,
            Vector256.Create(s.H6) ^ v6 ^ v14,
            Vector256.Create(s.H7) ^ v7 ^ v15,
            words,
            4);
    }

    /// <summary>
    /// Everything of a BLAKE2b compression after the round-0 column step (RFC 7693 SIGMA rows
    /// 0-9 then 0-1 again), for a block whose message words 8-15 are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rounds(
        ref Vector512<ulong> v0, ref Vector512<ulong> v1, ref Vector512<ulong> v2, ref Vector512<ulong> v3,
        ref Vector512<ulong> v4, ref Vector512<ulong> v5, ref Vector512<ulong> v6, ref Vector512<ulong> v7,
        ref Vector512<ulong> v8, ref Vector512<ulong> v9, ref Vector512<ulong> v10, ref Vector512<ulong> v11,
        ref Vector512<ulong> v12, ref Vector512<ulong> v13, ref Vector512<ulong> v14, ref Vector512<ulong> v15,
        Vector512<ulong> m0, Vector512<ulong> m1, Vector512<ulong> m2, Vector512<ulong> m3,
        Vector512<ulong> m4, Vector512<ulong> m5, Vector512<ulong> m6, Vector512<ulong> m7)
    {
        Vector512<ulong> m8 = Vector512<ulong>.Zero, m9 = Vector512<ulong>.Zero;
        Vector512<ulong> m10 = Vector512<ulong>.Zero, m11 = Vector512<ulong>.Zero;
        Vector512<ulong> m12 = Vector512<ulong>.Zero, m13 = Vector512<ulong>.Zero;
        Vector512<ulong> m14 = Vector512<ulong>.Zero, m15 = Vector512<ulong>.Zero;

        // Round 0, diagonal step
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
    }

    /// <summary>The 256-bit twin of the 512-bit <c>Rounds</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rounds(
        ref Vector256<ulong> v0, ref Vector256<ulong> v1, ref Vector256<ulong> v2, ref Vector256<ulong> v3,
        ref Vector256<ulong> v4, ref Vector256<ulong> v5, ref Vector256<ulong> v6, ref Vector256<ulong> v7,
        ref Vector256<ulong> v8, ref Vector256<ulong> v9, ref Vector256<ulong> v10, ref Vector256<ulong> v11,
        ref Vector256<ulong> v12, ref Vector256<ulong> v13, ref Vector256<ulong> v14, ref Vector256<ulong> v15,
        Vector256<ulong> m0, Vector256<ulong> m1, Vector256<ulong> m2, Vector256<ulong> m3,
        Vector256<ulong> m4, Vector256<ulong> m5, Vector256<ulong> m6, Vector256<ulong> m7)
    {
        Vector256<ulong> m8 = Vector256<ulong>.Zero, m9 = Vector256<ulong>.Zero;
        Vector256<ulong> m10 = Vector256<ulong>.Zero, m11 = Vector256<ulong>.Zero;
        Vector256<ulong> m12 = Vector256<ulong>.Zero, m13 = Vector256<ulong>.Zero;
        Vector256<ulong> m14 = Vector256<ulong>.Zero, m15 = Vector256<ulong>.Zero;

        // Round 0, diagonal step
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
    }

    /// <summary>Writes column <c>k</c> of the 8x8 word matrix with rows <paramref name="r0"/>..<paramref name="r7"/> to <c>group[8k..8k+8]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTransposed(
        Vector512<ulong> r0, Vector512<ulong> r1, Vector512<ulong> r2, Vector512<ulong> r3,
        Vector512<ulong> r4, Vector512<ulong> r5, Vector512<ulong> r6, Vector512<ulong> r7,
        Span<ulong> group)
    {
        // Pairs of rows interleaved: a0 = (r0[0], r1[0], r0[2], r1[2], r0[4], r1[4], r0[6], r1[6]), ...
        Vector512<ulong> a0 = Avx512F.UnpackLow(r0, r1), a1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<ulong> a2 = Avx512F.UnpackLow(r2, r3), a3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<ulong> a4 = Avx512F.UnpackLow(r4, r5), a5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<ulong> a6 = Avx512F.UnpackLow(r6, r7), a7 = Avx512F.UnpackHigh(r6, r7);

        // 128-bit lanes 0 and 2 (0x88) or 1 and 3 (0xDD) of each operand:
        // b0 = (r0[0], r1[0], r0[4], r1[4], r2[0], r3[0], r2[4], r3[4]), ...
        const byte evenLanes = 0x88;
        const byte oddLanes = 0xDD;
        Vector512<ulong> b0 = Avx512F.Shuffle4x128(a0, a2, evenLanes), b1 = Avx512F.Shuffle4x128(a0, a2, oddLanes);
        Vector512<ulong> b2 = Avx512F.Shuffle4x128(a1, a3, evenLanes), b3 = Avx512F.Shuffle4x128(a1, a3, oddLanes);
        Vector512<ulong> b4 = Avx512F.Shuffle4x128(a4, a6, evenLanes), b5 = Avx512F.Shuffle4x128(a4, a6, oddLanes);
        Vector512<ulong> b6 = Avx512F.Shuffle4x128(a5, a7, evenLanes), b7 = Avx512F.Shuffle4x128(a5, a7, oddLanes);

        Avx512F.Shuffle4x128(b0, b4, evenLanes).CopyTo(group);
        Avx512F.Shuffle4x128(b2, b6, evenLanes).CopyTo(group[8..]);
        Avx512F.Shuffle4x128(b1, b5, evenLanes).CopyTo(group[16..]);
        Avx512F.Shuffle4x128(b3, b7, evenLanes).CopyTo(group[24..]);
        Avx512F.Shuffle4x128(b0, b4, oddLanes).CopyTo(group[32..]);
        Avx512F.Shuffle4x128(b2, b6, oddLanes).CopyTo(group[40..]);
        Avx512F.Shuffle4x128(b1, b5, oddLanes).CopyTo(group[48..]);
        Avx512F.Shuffle4x128(b3, b7, oddLanes).CopyTo(group[56..]);
    }

    /// <summary>
    /// Writes column <c>k</c> of the 4x4 word matrix with rows <paramref name="r0"/>..<paramref name="r3"/>
    /// to <c>group[8k + first .. 8k + first + 4]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTransposed(
        Vector256<ulong> r0, Vector256<ulong> r1, Vector256<ulong> r2, Vector256<ulong> r3, Span<ulong> group, int first)
    {
        // t0 = (r0[0], r1[0], r0[2], r1[2]), t1 = (r0[1], r1[1], r0[3], r1[3]), t2 and t3 likewise for r2, r3.
        Vector256<ulong> t0 = Avx2.UnpackLow(r0, r1), t1 = Avx2.UnpackHigh(r0, r1);
        Vector256<ulong> t2 = Avx2.UnpackLow(r2, r3), t3 = Avx2.UnpackHigh(r2, r3);

        // Low 128-bit halves of both operands (0x20) or high halves (0x31).
        const byte lowHalves = 0x20;
        const byte highHalves = 0x31;
        Avx2.Permute2x128(t0, t2, lowHalves).CopyTo(group[first..]);
        Avx2.Permute2x128(t1, t3, lowHalves).CopyTo(group[(8 + first)..]);
        Avx2.Permute2x128(t0, t2, highHalves).CopyTo(group[(16 + first)..]);
        Avx2.Permute2x128(t1, t3, highHalves).CopyTo(group[(24 + first)..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(
        ref Vector512<ulong> a, ref Vector512<ulong> b, ref Vector512<ulong> c, ref Vector512<ulong> d, Vector512<ulong> x, Vector512<ulong> y)
    {
        a += b + x;
        d = Avx512F.RotateRight(d ^ a, 32);
        c += d;
        b = Avx512F.RotateRight(b ^ c, 24);
        a += b + y;
        d = Avx512F.RotateRight(d ^ a, 16);
        c += d;
        b = Avx512F.RotateRight(b ^ c, 63);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(
        ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d, Vector256<ulong> x, Vector256<ulong> y)
    {
        if (Avx512F.VL.IsSupported)
        {
            a += b + x;
            d = Avx512F.VL.RotateRight(d ^ a, 32);
            c += d;
            b = Avx512F.VL.RotateRight(b ^ c, 24);
            a += b + y;
            d = Avx512F.VL.RotateRight(d ^ a, 16);
            c += d;
            b = Avx512F.VL.RotateRight(b ^ c, 63);
        }
        else
        {
            // AVX2 has no 64-bit rotate: rotations by whole bytes are byte shuffles within each
            // word, by 32 a dword swap, and by 63 a left shift by one with the top bit carried round.
            Vector256<byte> rotate24 = Vector256.Create(
                (byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
            Vector256<byte> rotate16 = Vector256.Create(
                (byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
            const byte swapDwords = 0b10_11_00_01;

            a += b + x;
            d = Avx2.Shuffle((d ^ a).AsUInt32(), swapDwords).AsUInt64();
            c += d;
            b = Avx2.Shuffle((b ^ c).AsByte(), rotate24).AsUInt64();
            a += b + y;
            d = Avx2.Shuffle((d ^ a).AsByte(), rotate16).AsUInt64();
            c += d;
            b ^= c;
            b = Avx2.ShiftRightLogical(b, 63) | (b + b);
        }
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


    /// <summary>
    /// Per-root inputs of the node kernels: the eight non-zero message words, node 0's <c>h[1]</c>,
    /// and columns 0, 2 and 3 of the work vector after the round-0 column step, which no node's
    /// <c>h[1]</c> reaches.
    /// </summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly struct NodeSetup
    {
        public readonly ulong M0, M1, M2, M3, M4, M5, M6, M7;
        public readonly ulong H1;
        public readonly ulong V0, V4, V8, V12;
        public readonly ulong V2, V6, V10, V14;
        public readonly ulong V3, V7, V11, V15;

        public NodeSetup(ReadOnlySpan<byte> root, uint xofLength)
        {
            M0 = BinaryPrimitives.ReadUInt64LittleEndian(root);
            M1 = BinaryPrimitives.ReadUInt64LittleEndian(root[8..]);
            M2 = BinaryPrimitives.ReadUInt64LittleEndian(root[16..]);
            M3 = BinaryPrimitives.ReadUInt64LittleEndian(root[24..]);
            M4 = BinaryPrimitives.ReadUInt64LittleEndian(root[32..]);
            M5 = BinaryPrimitives.ReadUInt64LittleEndian(root[40..]);
            M6 = BinaryPrimitives.ReadUInt64LittleEndian(root[48..]);
            M7 = BinaryPrimitives.ReadUInt64LittleEndian(root[56..]);
            H1 = IV1 ^ ((ulong)xofLength << 32);

            // Initial work words 12-15 fold in the byte count (high word 0) and the final-block flag.
            ulong v0 = NodeH0, v4 = IV4, v8 = IV0, v12 = IV4 ^ NodeByteCount;
            G(ref v0, ref v4, ref v8, ref v12, M0, M1);
            (V0, V4, V8, V12) = (v0, v4, v8, v12);

            ulong v2 = NodeH2, v6 = IV6, v10 = IV2, v14 = ~IV6;
            G(ref v2, ref v6, ref v10, ref v14, M4, M5);
            (V2, V6, V10, V14) = (v2, v6, v10, v14);

            ulong v3 = IV3, v7 = IV7, v11 = IV3, v15 = IV7;
            G(ref v3, ref v7, ref v11, ref v15, M6, M7);
            (V3, V7, V11, V15) = (v3, v7, v11, v15);
        }
    }

    /// <summary>
    /// Per-generator inputs of the root kernels: the chaining value after the key block, and
    /// columns 1-3 of the work vector after the round-0 column step, which see only zero message
    /// words and so are the same for every block. Key-derived: wipe by assigning <c>default</c>.
    /// </summary>
    [StructLayout(LayoutKind.Auto)]
    internal readonly struct CounterRootSetup
    {
        public readonly ulong H0, H1, H2, H3, H4, H5, H6, H7;
        public readonly ulong V1, V5, V9, V13;
        public readonly ulong V2, V6, V10, V14;
        public readonly ulong V3, V7, V11, V15;

        /// <summary>Precomputes from a root state that has compressed its key block and nothing else.</summary>
        /// <param name="keyed">State after <see cref="Blake2bState.AbsorbKey"/> and <see cref="Blake2bState.CompressFullBuffer"/>.</param>
        /// <exception cref="ArgumentException">The state is not exactly one compressed block with nothing buffered.</exception>
        public CounterRootSetup(in Blake2bState keyed)
        {
            if (keyed.CompressedBytes != Blake2bState.BlockBytes || keyed.BufferedBytes != 0)
            {
                throw new ArgumentException("The root state must hold exactly the compressed key block.", nameof(keyed));
            }

            (H0, H1, H2, H3) = (keyed.ChainingWord(0), keyed.ChainingWord(1), keyed.ChainingWord(2), keyed.ChainingWord(3));
            (H4, H5, H6, H7) = (keyed.ChainingWord(4), keyed.ChainingWord(5), keyed.ChainingWord(6), keyed.ChainingWord(7));

            ulong v1 = H1, v5 = H5, v9 = IV1, v13 = IV5;
            G(ref v1, ref v5, ref v9, ref v13, 0, 0);
            (V1, V5, V9, V13) = (v1, v5, v9, v13);

            ulong v2 = H2, v6 = H6, v10 = IV2, v14 = ~IV6;
            G(ref v2, ref v6, ref v10, ref v14, 0, 0);
            (V2, V6, V10, V14) = (v2, v6, v10, v14);

            ulong v3 = H3, v7 = H7, v11 = IV3, v15 = IV7;
            G(ref v3, ref v7, ref v11, ref v15, 0, 0);
            (V3, V7, V11, V15) = (v3, v7, v11, v15);
        }
    }
}
