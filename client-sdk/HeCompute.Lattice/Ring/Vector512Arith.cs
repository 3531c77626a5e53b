using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// 64-bit modular building blocks on <see cref="Vector512{T}"/> lanes. AVX-512 has no 64×64→128
/// multiply, so high products are assembled from 32×32→64 partial products (vpmuludq); low
/// products use vpmullq (AVX-512DQ).
/// </summary>
internal static class Vector512Arith
{
    /// <summary>Whether the AVX-512 kernels can run on this machine.</summary>
    public static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>
    /// The exact high 64 bits of x·y per lane. <paramref name="yHi"/> must equal y &gt;&gt; 32; callers
    /// multiplying by a constant hoist that shift out of their loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyHigh(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> yHi)
    {
        Vector512<ulong> xHi = Avx512F.ShiftRightLogical(x, 32);
        Vector512<ulong> lowLow = Avx512F.Multiply(x.AsUInt32(), y.AsUInt32());
        Vector512<ulong> lowHigh = Avx512F.Multiply(x.AsUInt32(), yHi.AsUInt32());
        Vector512<ulong> highLow = Avx512F.Multiply(xHi.AsUInt32(), y.AsUInt32());
        Vector512<ulong> highHigh = Avx512F.Multiply(xHi.AsUInt32(), yHi.AsUInt32());

        // Each partial product is at most (2^32-1)^2, so adding a 32-bit carry-in cannot overflow.
        Vector512<ulong> cross = lowHigh + Avx512F.ShiftRightLogical(lowLow, 32);
        Vector512<ulong> cross2 = highLow + (cross & Vector512.Create(0xFFFF_FFFFUL));
        return highHigh + Avx512F.ShiftRightLogical(cross, 32) + Avx512F.ShiftRightLogical(cross2, 32);
    }

    /// <summary>
    /// x·w mod q up to one extra q, i.e. in [0, 2q), for any 64-bit x, given the Shoup companion
    /// of w and its upper half. Bit-identical to <see cref="ModArith.MultiplyShoupLazy"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyShoupLazy(
        Vector512<ulong> x, Vector512<ulong> w, Vector512<ulong> wShoup, Vector512<ulong> wShoupHi, Vector512<ulong> q)
    {
        Vector512<ulong> estimate = MultiplyHigh(x, wShoup, wShoupHi);
        return (x * w) - (estimate * q);
    }

    /// <summary>
    /// x·w mod q in [0, 2q) for x &lt; 2^63, given w63 = floor(w·2^63 / q) and its upper half.
    /// Bit-identical to <see cref="ModArith.MultiplyShoup63"/>.
    /// </summary>
    /// <remarks>
    /// With both x and w63 below 2^63 the two cross products of their 32-bit halves sum without
    /// overflow, so the quotient estimate 2·(xh·wh) + ((xh·wl + xl·wh) &gt;&gt; 31) needs three
    /// multiplies instead of four. It undershoots by at most 3, which one conditional subtraction
    /// of 2q absorbs.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> MultiplyShoup63(
        Vector512<ulong> x, Vector512<ulong> w, Vector512<ulong> w63, Vector512<ulong> w63Hi, Vector512<ulong> q, Vector512<ulong> twoQ)
    {
        Vector512<ulong> xHi = Avx512F.ShiftRightLogical(x, 32);
        Vector512<ulong> highHigh = Avx512F.Multiply(xHi.AsUInt32(), w63Hi.AsUInt32());
        Vector512<ulong> cross = Avx512F.Multiply(x.AsUInt32(), w63Hi.AsUInt32()) + Avx512F.Multiply(xHi.AsUInt32(), w63.AsUInt32());
        Vector512<ulong> estimate = (highHigh + highHigh) + Avx512F.ShiftRightLogical(cross, 31);
        return SubtractIfAtLeast((x * w) - (estimate * q), twoQ);
    }

    /// <summary>Subtracts <paramref name="bound"/> from lanes that are at least <paramref name="bound"/>.</summary>
    /// <remarks>Unsigned min picks x - bound exactly when the subtraction does not wrap.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> SubtractIfAtLeast(Vector512<ulong> x, Vector512<ulong> bound)
        => Avx512F.Min(x, x - bound);
}
