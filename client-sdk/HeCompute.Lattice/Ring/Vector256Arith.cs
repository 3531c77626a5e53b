using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// The <see cref="Vector512Arith"/> building blocks on 4-lane AVX2 vectors, for machines without
/// AVX-512. Every result is bit-identical to the scalar and AVX-512 versions.
/// </summary>
/// <remarks>
/// AVX2 has neither a 64-bit low multiply nor an unsigned 64-bit min; the JIT expands the
/// former from 32-bit multiplies, and the conditional subtraction below uses a sign-driven blend
/// instead of the latter.
/// </remarks>
internal static class Vector256Arith
{
    /// <summary>Whether the AVX2 kernels can run on this machine.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>The exact high 64 bits of x·y per lane; <paramref name="yHi"/> must equal y &gt;&gt; 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyHigh(Vector256<ulong> x, Vector256<ulong> y, Vector256<ulong> yHi)
    {
        Vector256<ulong> xHi = Avx2.ShiftRightLogical(x, 32);
        Vector256<ulong> lowLow = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        Vector256<ulong> lowHigh = Avx2.Multiply(x.AsUInt32(), yHi.AsUInt32());
        Vector256<ulong> highLow = Avx2.Multiply(xHi.AsUInt32(), y.AsUInt32());
        Vector256<ulong> highHigh = Avx2.Multiply(xHi.AsUInt32(), yHi.AsUInt32());
        Vector256<ulong> cross = lowHigh + Avx2.ShiftRightLogical(lowLow, 32);
        Vector256<ulong> cross2 = highLow + (cross & Vector256.Create(0xFFFF_FFFFUL));
        return highHigh + Avx2.ShiftRightLogical(cross, 32) + Avx2.ShiftRightLogical(cross2, 32);
    }

    /// <summary>x·w mod q in [0, 2q) for any 64-bit x (64-bit Shoup companion); see <see cref="Vector512Arith.MultiplyShoupLazy"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyShoupLazy(
        Vector256<ulong> x, Vector256<ulong> w, Vector256<ulong> wShoup, Vector256<ulong> wShoupHi, Vector256<ulong> q)
        => (x * w) - (MultiplyHigh(x, wShoup, wShoupHi) * q);

    /// <summary>x·w mod q in [0, 2q) for x &lt; 2^63 (63-bit Shoup companion); see <see cref="Vector512Arith.MultiplyShoup63"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> MultiplyShoup63(
        Vector256<ulong> x, Vector256<ulong> w, Vector256<ulong> w63, Vector256<ulong> w63Hi, Vector256<ulong> q, Vector256<ulong> twoQ)
    {
        Vector256<ulong> xHi = Avx2.ShiftRightLogical(x, 32);
        Vector256<ulong> highHigh = Avx2.Multiply(xHi.AsUInt32(), w63Hi.AsUInt32());
        Vector256<ulong> cross = Avx2.Multiply(x.AsUInt32(), w63Hi.AsUInt32()) + Avx2.Multiply(xHi.AsUInt32(), w63.AsUInt32());
        Vector256<ulong> estimate = (highHigh + highHigh) + Avx2.ShiftRightLogical(cross, 31);
        return SubtractIfAtLeast((x * w) - (estimate * q), twoQ);
    }

    /// <summary>
    /// Subtracts <paramref name="bound"/> from lanes that are at least <paramref name="bound"/>; valid
    /// when x and bound are below 2^63 and x &lt; 2·bound, so the difference is negative exactly
    /// when no subtraction is due.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> SubtractIfAtLeast(Vector256<ulong> x, Vector256<ulong> bound)
    {
        Vector256<ulong> d = x - bound;
        return Avx.BlendVariable(d.AsDouble(), x.AsDouble(), d.AsDouble()).AsUInt64();
    }
}
