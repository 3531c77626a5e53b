using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static HeCompute.Lattice.Ring.Vector512Arith;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// AVX-512 element-wise kernels behind <see cref="PolyArith"/>, bit-identical to
/// <see cref="PolyArithScalar"/>. Lanes are processed eight at a time and the remainder is
/// delegated to the scalar kernels. Callers check <see cref="Vector512Arith.IsSupported"/> and lengths.
/// </summary>
internal static unsafe class PolyArithVector512
{
    private const int Lanes = 8;

    public static void AddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector512<ulong> sum = Vector512.Load(pa + i) + Vector512.Load(pb + i);
                SubtractIfAtLeast(sum, qv).Store(pd + i);
            }
        }

        PolyArithScalar.AddMod(a[body..], b[body..], dst[body..], q);
    }

    public static void SubMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // When a < b the difference wraps above 2^64 - q and adding q brings it below q.
                Vector512<ulong> diff = Vector512.Load(pa + i) - Vector512.Load(pb + i);
                Avx512F.Min(diff, diff + qv).Store(pd + i);
            }
        }

        PolyArithScalar.SubMod(a[body..], b[body..], dst[body..], q);
    }

    public static void NegateMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // q - 0 = q is the only lane that needs folding back to 0.
                SubtractIfAtLeast(qv - Vector512.Load(pa + i), qv).Store(pd + i);
            }
        }

        PolyArithScalar.NegateMod(a[body..], dst[body..], q);
    }

    public static void AddScalarMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        Vector512<ulong> s = Vector512.Create(scalar);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                SubtractIfAtLeast(Vector512.Load(pa + i) + s, qv).Store(pd + i);
            }
        }

        PolyArithScalar.AddScalarMod(a[body..], scalar, dst[body..], q);
    }

    public static void ReduceMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        Vector512<ulong> ratio = Vector512.Create(q.BarrettHi);
        Vector512<ulong> ratioHi = Vector512.Create(q.BarrettHi >> 32);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // Same estimate as SmallModulus.Reduce: floor(x * floor(2^64/q) / 2^64), short by at most 1.
                Vector512<ulong> x = Vector512.Load(pa + i);
                Vector512<ulong> r = x - (MultiplyHigh(x, ratio, ratioHi) * qv);
                SubtractIfAtLeast(r, qv).Store(pd + i);
            }
        }

        PolyArithScalar.ReduceMod(a[body..], dst[body..], q);
    }

    public static void MultiplyAddWide(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> lo, Span<ulong> hi)
    {
        int body = lo.Length & ~(Lanes - 1);
        fixed (ulong* pa = a, pb = b, pl = lo, ph = hi)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector512<ulong> x = Vector512.Load(pa + i);
                Vector512<ulong> y = Vector512.Load(pb + i);
                Vector512<ulong> sum = Vector512.Load(pl + i) + (x * y);
                // The low word wrapped exactly when the sum is below the added term; the all-ones mask is −1.
                Vector512<ulong> carry = Vector512.LessThan(sum, x * y);
                sum.Store(pl + i);
                (Vector512.Load(ph + i) + MultiplyHigh(x, y, Avx512F.ShiftRightLogical(y, 32)) - carry).Store(ph + i);
            }
        }

        PolyArithScalar.MultiplyAddWide(a[body..], b[body..], lo[body..], hi[body..]);
    }

    public static void ReduceWide(ReadOnlySpan<ulong> lo, ReadOnlySpan<ulong> hi, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        Vector512<ulong> ratioLo = Vector512.Create(q.BarrettLo);
        Vector512<ulong> ratioLoHi = Vector512.Create(q.BarrettLo >> 32);
        Vector512<ulong> ratioHi = Vector512.Create(q.BarrettHi);
        Vector512<ulong> ratioHiHi = Vector512.Create(q.BarrettHi >> 32);
        fixed (ulong* pl = lo, ph = hi, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // SmallModulus.Reduce128 lane by lane: the quotient floor(x·floor(2^128/q) / 2^128), exact modulo 2^64.
                Vector512<ulong> l = Vector512.Load(pl + i);
                Vector512<ulong> h = Vector512.Load(ph + i);
                Vector512<ulong> hiTimesLoLo = h * ratioLo;
                Vector512<ulong> middle = hiTimesLoLo + MultiplyHigh(l, ratioLo, ratioLoHi);
                Vector512<ulong> carry = Vector512.LessThan(middle, hiTimesLoLo);
                Vector512<ulong> middle2 = middle + (l * ratioHi);
                carry += Vector512.LessThan(middle2, middle);
                Vector512<ulong> quotient = (h * ratioHi) + MultiplyHigh(h, ratioLo, ratioLoHi) + MultiplyHigh(l, ratioHi, ratioHiHi) - carry;
                SubtractIfAtLeast(l - (quotient * qv), qv).Store(pd + i);
            }
        }

        PolyArithScalar.ReduceWide(lo[body..], hi[body..], dst[body..], q);
    }

    public static void MultiplyScalarMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        Vector512<ulong> wv = Vector512.Create(w);
        Vector512<ulong> ws = Vector512.Create(wShoup);
        Vector512<ulong> wsHi = Vector512.Create(wShoup >> 32);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector512<ulong> r = MultiplyShoupLazy(Vector512.Load(pa + i), wv, ws, wsHi, qv);
                SubtractIfAtLeast(r, qv).Store(pd + i);
            }
        }

        PolyArithScalar.MultiplyScalarMod(a[body..], w, wShoup, dst[body..], q);
    }

    public static void MultiplyScalarAddMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> acc, in SmallModulus q)
    {
        int body = acc.Length & ~(Lanes - 1);
        Vector512<ulong> qv = Vector512.Create(q.Value);
        Vector512<ulong> wv = Vector512.Create(w);
        Vector512<ulong> ws = Vector512.Create(wShoup);
        Vector512<ulong> wsHi = Vector512.Create(wShoup >> 32);
        fixed (ulong* pa = a, pc = acc)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector512<ulong> r = SubtractIfAtLeast(MultiplyShoupLazy(Vector512.Load(pa + i), wv, ws, wsHi, qv), qv);
                SubtractIfAtLeast(r + Vector512.Load(pc + i), qv).Store(pc + i);
            }
        }

        PolyArithScalar.MultiplyScalarAddMod(a[body..], w, wShoup, acc[body..], q);
    }

    /// <summary>Whether <see cref="MultiplyMod"/> and <see cref="MultiplyAddMod"/> can use the vector Barrett reduction.</summary>
    /// <remarks>For a power-of-two q the Barrett factor below would need 65 bits.</remarks>
    public static bool SupportsProducts(in SmallModulus q) => !BitOperations.IsPow2(q.Value);

    public static void MultiplyMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        var reducer = new ProductReducer(q);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                reducer.MultiplyMod(Vector512.Load(pa + i), Vector512.Load(pb + i)).Store(pd + i);
            }
        }

        PolyArithScalar.MultiplyMod(a[body..], b[body..], dst[body..], q);
    }

    public static void MultiplyAddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> acc, in SmallModulus q)
    {
        int body = acc.Length & ~(Lanes - 1);
        var reducer = new ProductReducer(q);
        fixed (ulong* pa = a, pb = b, pc = acc)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector512<ulong> product = reducer.MultiplyMod(Vector512.Load(pa + i), Vector512.Load(pb + i));
                SubtractIfAtLeast(product + Vector512.Load(pc + i), reducer.Modulus).Store(pc + i);
            }
        }

        PolyArithScalar.MultiplyAddMod(a[body..], b[body..], acc[body..], q);
    }

    /// <summary>
    /// Barrett reduction of a product of two residues (below q^2 &lt; 2^(2k), k = bit count of q).
    /// The product is shifted right by k - 1 and multiplied by floor(2^(k+63) / q), whose high word
    /// undershoots the true quotient by at most 2, so two conditional subtractions finish.
    /// </summary>
    private readonly struct ProductReducer
    {
        private readonly Vector512<ulong> _factor;
        private readonly Vector512<ulong> _factorHi;
        private readonly int _shift;

        public ProductReducer(in SmallModulus q)
        {
            // floor(2^(s+64) / q) = floor(floor(2^128 / q) / 2^(64-s)), read off the Barrett constant.
            _shift = q.BitCount - 1;
            ulong factor = (q.BarrettHi << _shift) | (q.BarrettLo >> (64 - _shift));
            _factor = Vector512.Create(factor);
            _factorHi = Vector512.Create(factor >> 32);
            Modulus = Vector512.Create(q.Value);
        }

        public Vector512<ulong> Modulus { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<ulong> MultiplyMod(Vector512<ulong> a, Vector512<ulong> b)
        {
            Vector512<ulong> lo = a * b;
            Vector512<ulong> hi = MultiplyHigh(a, b, Avx512F.ShiftRightLogical(b, 32));
            Vector512<ulong> shifted = (hi << (64 - _shift)) | (lo >> _shift);
            Vector512<ulong> estimate = MultiplyHigh(shifted, _factor, _factorHi);
            Vector512<ulong> r = lo - (estimate * Modulus);
            return SubtractIfAtLeast(SubtractIfAtLeast(r, Modulus + Modulus), Modulus);
        }
    }
}
