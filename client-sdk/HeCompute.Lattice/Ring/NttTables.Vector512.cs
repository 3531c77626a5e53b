using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static HeCompute.Lattice.Ring.Vector512Arith;

namespace HeCompute.Lattice.Ring;

/// <summary>AVX-512 kernels of the NTT; bit-identical to the scalar reference.</summary>
internal sealed partial class NttTables
{
    /// <summary>The smallest length the vector kernels handle: one 16-element block.</summary>
    internal const int MinVector512LogN = 4;

    // Stages with gap >= 8 pair whole registers. The three stages with gap 4, 2 and 1 pair lanes
    // of the two registers holding a 16-element block (A = elements 0..7, B = 8..15), regrouped so
    // that partners sit in the same lane of U and V. Each of these stages is its own pass over
    // the data: a block pushed through all three in registers is one long dependency chain,
    // while a pass has independent iterations the core can overlap. Between the passes the
    // blocks stay in memory in the regrouped layout, so each stage pays for only one regrouping.

    // Gap 4: U = A0..3 B0..3, V = A4..7 B4..7. The same shuffle maps U, V back to A, B.
    private static readonly Vector512<ulong> Gap4Low = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
    private static readonly Vector512<ulong> Gap4High = Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15);

    // Gap 2 from the gap-4 layout: U = A0 A1 A4 A5 B0 B1 B4 B5, V = A2 A3 A6 A7 B2 B3 B6 B7
    // (again its own inverse). The gap-1 layout U = A0 A2 A4 A6 B0 B2 B4 B6, V = A1 A3 ... is one
    // unpack away from the gap-2 layout.
    private static readonly Vector512<ulong> Gap2Low = Vector512.Create(0UL, 1, 8, 9, 4, 5, 12, 13);
    private static readonly Vector512<ulong> Gap2High = Vector512.Create(2UL, 3, 10, 11, 6, 7, 14, 15);

    // Natural order to and from the gap-1 layout.
    private static readonly Vector512<ulong> EvenLanes = Vector512.Create(0UL, 2, 4, 6, 8, 10, 12, 14);
    private static readonly Vector512<ulong> OddLanes = Vector512.Create(1UL, 3, 5, 7, 9, 11, 13, 15);
    private static readonly Vector512<ulong> InterleaveLow = Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11);
    private static readonly Vector512<ulong> InterleaveHigh = Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15);

    // The gap-4 stage uses 2 roots per block (each on 4 lanes), gap 2 uses 4 (each on 2).
    private static readonly Vector512<ulong> SpreadTwo = Vector512.Create(0UL, 0, 0, 0, 1, 1, 1, 1);
    private static readonly Vector512<ulong> SpreadFour = Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3);

    // Blocks per chunk of the last three passes: 8 KiB, so a chunk stays in L1 across them.
    private const int TailChunkBlocks = 64;

    /// <summary>Forward transform on AVX-512; outputs in [0, 4q), or in [0, q) when <paramref name="reduce"/> is set.</summary>
    internal unsafe void ForwardVector512(Span<ulong> values, bool reduce)
    {
        int n = N;
        int blocks = n >> 4;
        Vector512<ulong> q = Vector512.Create(Modulus.Value);
        Vector512<ulong> twoQ = q + q;
        fixed (ulong* data = values)
        fixed (ulong* roots = _rootPowers)
        fixed (ulong* rootsShoup = _rootPowersShoup)
        {
            int m = 1;
            for (int gap = n >> 1; gap >= 8; gap >>= 1, m <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    Vector512<ulong> w = Vector512.Create(roots[m + i]);
                    Vector512<ulong> ws = Vector512.Create(rootsShoup[m + i]);
                    Vector512<ulong> wsHi = Vector512.Create(rootsShoup[m + i] >> 32);
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j += 8)
                    {
                        Vector512<ulong> u = Vector512.Load(x + j);
                        Vector512<ulong> v = Vector512.Load(y + j);
                        ForwardButterfly(ref u, ref v, w, ws, wsHi, q, twoQ);
                        u.Store(x + j);
                        v.Store(y + j);
                    }
                }
            }

            for (int first = 0; first < blocks; first += TailChunkBlocks)
            {
                int end = Math.Min(blocks, first + TailChunkBlocks);
                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> a = Vector512.Load(block);
                    Vector512<ulong> b = Vector512.Load(block + 8);
                    Vector512<ulong> u = Avx512F.PermuteVar8x64x2(a, Gap4Low, b);
                    Vector512<ulong> v = Avx512F.PermuteVar8x64x2(a, Gap4High, b);
                    int r = (2 * blocks) + (2 * c);
                    Vector512<ulong> ws = Avx512F.PermuteVar8x64(Vector512.Load(rootsShoup + r), SpreadTwo);
                    Vector512<ulong> w = Avx512F.PermuteVar8x64(Vector512.Load(roots + r), SpreadTwo);
                    ForwardButterfly(ref u, ref v, w, ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    u.Store(block);
                    v.Store(block + 8);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> u = Vector512.Load(block);
                    Vector512<ulong> v = Vector512.Load(block + 8);
                    Vector512<ulong> a = Avx512F.PermuteVar8x64x2(u, Gap2Low, v);
                    Vector512<ulong> b = Avx512F.PermuteVar8x64x2(u, Gap2High, v);
                    int r = (4 * blocks) + (4 * c);
                    Vector512<ulong> ws = Avx512F.PermuteVar8x64(Vector512.Load(rootsShoup + r), SpreadFour);
                    Vector512<ulong> w = Avx512F.PermuteVar8x64(Vector512.Load(roots + r), SpreadFour);
                    ForwardButterfly(ref a, ref b, w, ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    a.Store(block);
                    b.Store(block + 8);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> a = Vector512.Load(block);
                    Vector512<ulong> b = Vector512.Load(block + 8);
                    Vector512<ulong> u = Avx512F.UnpackLow(a, b);
                    Vector512<ulong> v = Avx512F.UnpackHigh(a, b);
                    int r = (8 * blocks) + (8 * c);
                    Vector512<ulong> ws = Vector512.Load(rootsShoup + r);
                    ForwardButterfly(ref u, ref v, Vector512.Load(roots + r), ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    if (reduce)
                    {
                        u = SubtractIfAtLeast(SubtractIfAtLeast(u, twoQ), q);
                        v = SubtractIfAtLeast(SubtractIfAtLeast(v, twoQ), q);
                    }

                    Avx512F.PermuteVar8x64x2(u, InterleaveLow, v).Store(block);
                    Avx512F.PermuteVar8x64x2(u, InterleaveHigh, v).Store(block + 8);
                }
            }
        }
    }

    /// <summary>Inverse transform on AVX-512, outputs in [0, q).</summary>
    internal unsafe void InverseVector512(Span<ulong> values)
    {
        int n = N;
        int blocks = n >> 4;
        Vector512<ulong> q = Vector512.Create(Modulus.Value);
        Vector512<ulong> twoQ = q + q;
        fixed (ulong* data = values)
        fixed (ulong* roots = _invRootPowers)
        fixed (ulong* rootsShoup = _invRootPowersShoup)
        {
            // Gaps 1, 2 and 4 mirror the forward passes.
            for (int first = 0; first < blocks; first += TailChunkBlocks)
            {
                int end = Math.Min(blocks, first + TailChunkBlocks);
                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> a = Vector512.Load(block);
                    Vector512<ulong> b = Vector512.Load(block + 8);
                    Vector512<ulong> u = Avx512F.PermuteVar8x64x2(a, EvenLanes, b);
                    Vector512<ulong> v = Avx512F.PermuteVar8x64x2(a, OddLanes, b);
                    int r = (8 * blocks) + (8 * c);
                    Vector512<ulong> ws = Vector512.Load(rootsShoup + r);
                    InverseButterfly(ref u, ref v, Vector512.Load(roots + r), ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    u.Store(block);
                    v.Store(block + 8);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> u = Vector512.Load(block);
                    Vector512<ulong> v = Vector512.Load(block + 8);
                    Vector512<ulong> a = Avx512F.UnpackLow(u, v);
                    Vector512<ulong> b = Avx512F.UnpackHigh(u, v);
                    int r = (4 * blocks) + (4 * c);
                    Vector512<ulong> ws = Avx512F.PermuteVar8x64(Vector512.Load(rootsShoup + r), SpreadFour);
                    Vector512<ulong> w = Avx512F.PermuteVar8x64(Vector512.Load(roots + r), SpreadFour);
                    InverseButterfly(ref a, ref b, w, ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    a.Store(block);
                    b.Store(block + 8);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (16 * c);
                    Vector512<ulong> a = Vector512.Load(block);
                    Vector512<ulong> b = Vector512.Load(block + 8);
                    Vector512<ulong> u = Avx512F.PermuteVar8x64x2(a, Gap2Low, b);
                    Vector512<ulong> v = Avx512F.PermuteVar8x64x2(a, Gap2High, b);
                    int r = (2 * blocks) + (2 * c);
                    Vector512<ulong> ws = Avx512F.PermuteVar8x64(Vector512.Load(rootsShoup + r), SpreadTwo);
                    Vector512<ulong> w = Avx512F.PermuteVar8x64(Vector512.Load(roots + r), SpreadTwo);
                    InverseButterfly(ref u, ref v, w, ws, Avx512F.ShiftRightLogical(ws, 32), q, twoQ);
                    Avx512F.PermuteVar8x64x2(u, Gap4Low, v).Store(block);
                    Avx512F.PermuteVar8x64x2(u, Gap4High, v).Store(block + 8);
                }
            }

            int gap = 8;
            for (int m = n >> 4; m > 1; m >>= 1, gap <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    Vector512<ulong> w = Vector512.Create(roots[m + i]);
                    Vector512<ulong> ws = Vector512.Create(rootsShoup[m + i]);
                    Vector512<ulong> wsHi = Vector512.Create(rootsShoup[m + i] >> 32);
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j += 8)
                    {
                        Vector512<ulong> u = Vector512.Load(x + j);
                        Vector512<ulong> v = Vector512.Load(y + j);
                        InverseButterfly(ref u, ref v, w, ws, wsHi, q, twoQ);
                        u.Store(x + j);
                        v.Store(y + j);
                    }
                }
            }

            // Last stage: N^-1 is folded into both outputs, which are then fully reduced.
            Vector512<ulong> invN = Vector512.Create(_invN);
            Vector512<ulong> invNShoup = Vector512.Create(_invNShoup);
            Vector512<ulong> invNShoupHi = Vector512.Create(_invNShoup >> 32);
            Vector512<ulong> last = Vector512.Create(_lastInvRootTimesInvN);
            Vector512<ulong> lastShoup = Vector512.Create(_lastInvRootTimesInvNShoup);
            Vector512<ulong> lastShoupHi = Vector512.Create(_lastInvRootTimesInvNShoup >> 32);
            ulong* xs = data;
            ulong* ys = data + gap;
            for (int j = 0; j < gap; j += 8)
            {
                Vector512<ulong> u = Vector512.Load(xs + j);
                Vector512<ulong> v = Vector512.Load(ys + j);
                Vector512<ulong> sum = MultiplyShoup63(u + v, invN, invNShoup, invNShoupHi, q, twoQ);
                Vector512<ulong> diff = MultiplyShoup63(u - v + twoQ, last, lastShoup, lastShoupHi, q, twoQ);
                SubtractIfAtLeast(sum, q).Store(xs + j);
                SubtractIfAtLeast(diff, q).Store(ys + j);
            }
        }
    }

    /// <summary>Harvey's Cooley–Tukey butterfly: inputs and outputs in [0, 4q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardButterfly(
        ref Vector512<ulong> x, ref Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi,
        Vector512<ulong> q, Vector512<ulong> twoQ)
    {
        Vector512<ulong> u = SubtractIfAtLeast(x, twoQ);
        Vector512<ulong> t = MultiplyShoup63(y, w, ws, wsHi, q, twoQ);
        x = u + t;
        y = u - t + twoQ;
    }

    /// <summary>Gentleman–Sande butterfly: inputs and outputs in [0, 2q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InverseButterfly(
        ref Vector512<ulong> x, ref Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi,
        Vector512<ulong> q, Vector512<ulong> twoQ)
    {
        Vector512<ulong> u = x;
        Vector512<ulong> v = y;
        x = SubtractIfAtLeast(u + v, twoQ);
        y = MultiplyShoup63(u - v + twoQ, w, ws, wsHi, q, twoQ);
    }
}
