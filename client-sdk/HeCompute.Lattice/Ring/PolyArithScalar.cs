namespace HeCompute.Lattice.Ring;

/// <summary>
/// Portable element-wise kernels behind <see cref="PolyArith"/>. They handle the tails of the
/// vector kernels and serve as the bit-exact reference the vector kernels are tested against.
/// Callers have already validated lengths.
/// </summary>
internal static class PolyArithScalar
{
    public static void AddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.Add(a[i], b[i], q);
        }
    }

    public static void SubMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.Sub(a[i], b[i], q);
        }
    }

    public static void NegateMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.Negate(a[i], q);
        }
    }

    public static void MultiplyMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.Multiply(a[i], b[i], q);
        }
    }

    public static void MultiplyAddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> acc, in SmallModulus q)
    {
        for (int i = 0; i < acc.Length; i++)
        {
            acc[i] = ModArith.Add(acc[i], ModArith.Multiply(a[i], b[i], q), q);
        }
    }

    public static void MultiplyAddWide(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> lo, Span<ulong> hi)
    {
        for (int i = 0; i < lo.Length; i++)
        {
            UInt128 sum = new UInt128(hi[i], lo[i]) + Math.BigMul(a[i], b[i]);
            hi[i] = (ulong)(sum >> 64);
            lo[i] = (ulong)sum;
        }
    }

    public static void ReduceWide(ReadOnlySpan<ulong> lo, ReadOnlySpan<ulong> hi, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = q.Reduce128(hi[i], lo[i]);
        }
    }

    public static void MultiplyScalarMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.MultiplyShoup(a[i], w, wShoup, q);
        }
    }

    public static void MultiplyScalarAddMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> acc, in SmallModulus q)
    {
        for (int i = 0; i < acc.Length; i++)
        {
            acc[i] = ModArith.Add(acc[i], ModArith.MultiplyShoup(a[i], w, wShoup, q), q);
        }
    }

    public static void AddScalarMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = ModArith.Add(a[i], scalar, q);
        }
    }

    public static void ReduceMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = q.Reduce(a[i]);
        }
    }

    public static void PermuteGaloisNtt(ReadOnlySpan<ulong> src, Span<ulong> dst, ReadOnlySpan<int> table)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = src[table[i]];
        }
    }
}
