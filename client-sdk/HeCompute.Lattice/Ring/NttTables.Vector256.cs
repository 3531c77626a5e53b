using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static HeCompute.Lattice.Ring.Vector256Arith;

namespace HeCompute.Lattice.Ring;

/// <summary>AVX2 kernels of the NTT for machines without AVX-512; bit-identical to the scalar reference.</summary>
internal sealed partial class NttTables
{
    /// <summary>The smallest length the AVX2 kernels handle: one 8-element block.</summary>
    internal const int MinVector256LogN = 3;

    // Same scheme as the AVX-512 kernels with 4 lanes: stages with gap >= 4 pair whole registers,
    // and the gap-2 and gap-1 stages are separate passes over 8-element blocks (A = elements 0..3,
    // B = 4..7). Gap-2 layout: U = A0 A1 B0 B1, V = A2 A3 B2 B3; the gap-1 layout
    // U = A0 A2 B0 B2, V = A1 A3 B1 B3 is one unpack away from it.
    private const byte LowHalves = 0x20;
    private const byte HighHalves = 0x31;

    // Spreads two consecutive roots as r0 r0 r1 r1 for the gap-2 stage.
    private const byte SpreadPairs = 0b01_01_00_00;

    private const int TailChunkBlocks256 = 128;

    /// <summary>Forward transform on AVX2; outputs in [0, 4q), or in [0, q) when <paramref name="reduce"/> is set.</summary>
    internal unsafe void ForwardVector256(Span<ulong> values, bool reduce)
    {
        int n = N;
        int blocks = n >> 3;
        Vector256<ulong> q = Vector256.Create(Modulus.Value);
        Vector256<ulong> twoQ = q + q;
        fixed (ulong* data = values)
        fixed (ulong* roots = _rootPowers)
        fixed (ulong* rootsShoup = _rootPowersShoup)
        {
            int m = 1;
            for (int gap = n >> 1; gap >= 4; gap >>= 1, m <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    Vector256<ulong> w = Vector256.Create(roots[m + i]);
                    Vector256<ulong> ws = Vector256.Create(rootsShoup[m + i]);
                    Vector256<ulong> wsHi = Vector256.Create(rootsShoup[m + i] >> 32);
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j += 4)
                    {
                        Vector256<ulong> u = Vector256.Load(x + j);
                        Vector256<ulong> v = Vector256.Load(y + j);
                        ForwardButterfly(ref u, ref v, w, ws, wsHi, q, twoQ);
                        u.Store(x + j);
                        v.Store(y + j);
                    }
                }
            }

            for (int first = 0; first < blocks; first += TailChunkBlocks256)
            {
                int end = Math.Min(blocks, first + TailChunkBlocks256);
                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (8 * c);
                    Vector256<ulong> a = Vector256.Load(block);
                    Vector256<ulong> b = Vector256.Load(block + 4);
                    Vector256<ulong> u = Avx2.Permute2x128(a, b, LowHalves);
                    Vector256<ulong> v = Avx2.Permute2x128(a, b, HighHalves);
                    int r = (2 * blocks) + (2 * c);
                    Vector256<ulong> ws = Avx2.Permute4x64(Vector256.Load(rootsShoup + r), SpreadPairs);
                    Vector256<ulong> w = Avx2.Permute4x64(Vector256.Load(roots + r), SpreadPairs);
                    ForwardButterfly(ref u, ref v, w, ws, Avx2.ShiftRightLogical(ws, 32), q, twoQ);
                    u.Store(block);
                    v.Store(block + 4);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (8 * c);
                    Vector256<ulong> a = Vector256.Load(block);
                    Vector256<ulong> b = Vector256.Load(block + 4);
                    Vector256<ulong> u = Avx2.UnpackLow(a, b);
                    Vector256<ulong> v = Avx2.UnpackHigh(a, b);
                    int r = (4 * blocks) + (4 * c);
                    Vector256<ulong> ws = Vector256.Load(rootsShoup + r);
                    ForwardButterfly(ref u, ref v, Vector256.Load(roots + r), ws, Avx2.ShiftRightLogical(ws, 32), q, twoQ);
                    if (reduce)
                    {
                        u = SubtractIfAtLeast(SubtractIfAtLeast(u, twoQ), q);
                        v = SubtractIfAtLeast(SubtractIfAtLeast(v, twoQ), q);
                    }

                    a = Avx2.UnpackLow(u, v);
                    b = Avx2.UnpackHigh(u, v);
                    Avx2.Permute2x128(a, b, LowHalves).Store(block);
                    Avx2.Permute2x128(a, b, HighHalves).Store(block + 4);
                }
            }
        }
    }

    /// <summary>Inverse transform on AVX2, outputs in [0, q).</summary>
    internal unsafe void InverseVector256(Span<ulong> values)
    {
        int n = N;
        int blocks = n >> 3;
        Vector256<ulong> q = Vector256.Create(Modulus.Value);
        Vector256<ulong> twoQ = q + q;
        fixed (ulong* data = values)
        fixed (ulong* roots = _invRootPowers)
        fixed (ulong* rootsShoup = _invRootPowersShoup)
        {
            for (int first = 0; first < blocks; first += TailChunkBlocks256)
            {
                int end = Math.Min(blocks, first + TailChunkBlocks256);
                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (8 * c);
                    Vector256<ulong> a = Vector256.Load(block);
                    Vector256<ulong> b = Vector256.Load(block + 4);
                    Vector256<ulong> low = Avx2.Permute2x128(a, b, LowHalves);
                    Vector256<ulong> high = Avx2.Permute2x128(a, b, HighHalves);
                    Vector256<ulong> u = Avx2.UnpackLow(low, high);
                    Vector256<ulong> v = Avx2.UnpackHigh(low, high);
                    int r = (4 * blocks) + (4 * c);
                    Vector256<ulong> ws = Vector256.Load(rootsShoup + r);
                    InverseButterfly(ref u, ref v, Vector256.Load(roots + r), ws, Avx2.ShiftRightLogical(ws, 32), q, twoQ);
                    u.Store(block);
                    v.Store(block + 4);
                }

                for (int c = first; c < end; c++)
                {
                    ulong* block = data + (8 * c);
                    Vector256<ulong> a = Vector256.Load(block);
                    Vector256<ulong> b = Vector256.Load(block + 4);
                    Vector256<ulong> u = Avx2.UnpackLow(a, b);
                    Vector256<ulong> v = Avx2.UnpackHigh(a, b);
                    int r = (2 * blocks) + (2 * c);
                    Vector256<ulong> ws = Avx2.Permute4x64(Vector256.Load(rootsShoup + r), SpreadPairs);
                    Vector256<ulong> w = Avx2.Permute4x64(Vector256.Load(roots + r), SpreadPairs);
                    InverseButterfly(ref u, ref v, w, ws, Avx2.ShiftRightLogical(ws, 32), q, twoQ);
                    Avx2.Permute2x128(u, v, LowHalves).Store(block);
                    Avx2.Permute2x128(u, v, HighHalves).Store(block + 4);
                }
            }

            int gap = 4;
            for (int m = n >> 3; m > 1; m >>= 1, gap <<= 1)
            {
                for (int i = 0; i < m; i++)
                {
                    Vector256<ulong> w = Vector256.Create(roots[m + i]);
                    Vector256<ulong> ws = Vector256.Create(rootsShoup[m + i]);
                    Vector256<ulong> wsHi = Vector256.Create(rootsShoup[m + i] >> 32);
                    ulong* x = data + (2 * i * gap);
                    ulong* y = x + gap;
                    for (int j = 0; j < gap; j += 4)
                    {
                        Vector256<ulong> u = Vector256.Load(x + j);
                        Vector256<ulong> v = Vector256.Load(y + j);
                        InverseButterfly(ref u, ref v, w, ws, wsHi, q, twoQ);
                        u.Store(x + j);
                        v.Store(y + j);
                    }
                }
            }

            Vector256<ulong> invN = Vector256.Create(_invN);
            Vector256<ulong> invNShoup = Vector256.Create(_invNShoup);
            Vector256<ulong> invNShoupHi = Vector256.Create(_invNShoup >> 32);
            Vector256<ulong> last = Vector256.Create(_lastInvRootTimesInvN);
            Vector256<ulong> lastShoup = Vector256.Create(_lastInvRootTimesInvNShoup);
            Vector256<ulong> lastShoupHi = Vector256.Create(_lastInvRootTimesInvNShoup >> 32);
            ulong* xs = data;
            ulong* ys = data + gap;
            for (int j = 0; j < gap; j += 4)
            {
                Vector256<ulong> u = Vector256.Load(xs + j);
                Vector256<ulong> v = Vector256.Load(ys + j);
                Vector256<ulong> sum = MultiplyShoup63(u + v, invN, invNShoup, invNShoupHi, q, twoQ);
                Vector256<ulong> diff = MultiplyShoup63(u - v + twoQ, last, lastShoup, lastShoupHi, q, twoQ);
                SubtractIfAtLeast(sum, q).Store(xs + j);
                SubtractIfAtLeast(diff, q).Store(ys + j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardButterfly(
        ref Vector256<ulong> x, ref Vector256<ulong> y, Vector256<ulong> w, Vector256<ulong> ws, Vector256<ulong> wsHi,
        Vector256<ulong> q, Vector256<ulong> twoQ)
    {
        Vector256<ulong> u = SubtractIfAtLeast(x, twoQ);
        Vector256<ulong> t = MultiplyShoup63(y, w, ws, wsHi, q, twoQ);
        x = u + t;
        y = u - t + twoQ;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InverseButterfly(
        ref Vector256<ulong> x, ref Vector256<ulong> y, Vector256<ulong> w, Vector256<ulong> ws, Vector256<ulong> wsHi,
        Vector256<ulong> q, Vector256<ulong> twoQ)
    {
        Vector256<ulong> u = x;
        Vector256<ulong> v = y;
        x = SubtractIfAtLeast(u + v, twoQ);
        y = MultiplyShoup63(u - v + twoQ, w, ws, wsHi, q, twoQ);
    }
}
