using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static HeCompute.Lattice.Ring.Vector256Arith;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// AVX2 element-wise kernels behind <see cref="PolyArith"/> for machines without AVX-512,
/// bit-identical to <see cref="PolyArithScalar"/>; four lanes at a time, the remainder scalar.
/// Callers check <see cref="Vector256Arith.IsSupported"/> and lengths.
/// </summary>
internal static unsafe class PolyArithVector256
{
    private const int Lanes = 4;

    public static void AddMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                SubtractIfAtLeast(Vector256.Load(pa + i) + Vector256.Load(pb + i), qv).Store(pd + i);
            }
        }

        PolyArithScalar.AddMod(a[body..], b[body..], dst[body..], q);
    }

    public static void SubMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // Operands are below 2^61, so the difference is negative exactly when q must be added back.
                Vector256<ulong> diff = Vector256.Load(pa + i) - Vector256.Load(pb + i);
                Avx.BlendVariable(diff.AsDouble(), (diff + qv).AsDouble(), diff.AsDouble()).AsUInt64().Store(pd + i);
            }
        }

        PolyArithScalar.SubMod(a[body..], b[body..], dst[body..], q);
    }

    public static void NegateMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                SubtractIfAtLeast(qv - Vector256.Load(pa + i), qv).Store(pd + i);
            }
        }

        PolyArithScalar.NegateMod(a[body..], dst[body..], q);
    }

    public static void AddScalarMod(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        Vector256<ulong> s = Vector256.Create(scalar);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                SubtractIfAtLeast(Vector256.Load(pa + i) + s, qv).Store(pd + i);
            }
        }

        PolyArithScalar.AddScalarMod(a[body..], scalar, dst[body..], q);
    }

    public static void ReduceMod(ReadOnlySpan<ulong> a, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        Vector256<ulong> ratio = Vector256.Create(q.BarrettHi);
        Vector256<ulong> ratioHi = Vector256.Create(q.BarrettHi >> 32);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector256<ulong> x = Vector256.Load(pa + i);
                Vector256<ulong> r = x - (MultiplyHigh(x, ratio, ratioHi) * qv);
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
                Vector256<ulong> x = Vector256.Load(pa + i);
                Vector256<ulong> y = Vector256.Load(pb + i);
                Vector256<ulong> sum = Vector256.Load(pl + i) + (x * y);
                // The low word wrapped exactly when the sum is below the added term; the all-ones mask is −1.
                Vector256<ulong> carry = Vector256.LessThan(sum, x * y);
                sum.Store(pl + i);
                (Vector256.Load(ph + i) + MultiplyHigh(x, y, Avx2.ShiftRightLogical(y, 32)) - carry).Store(ph + i);
            }
        }

        PolyArithScalar.MultiplyAddWide(a[body..], b[body..], lo[body..], hi[body..]);
    }

    public static void ReduceWide(ReadOnlySpan<ulong> lo, ReadOnlySpan<ulong> hi, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        Vector256<ulong> ratioLo = Vector256.Create(q.BarrettLo);
        Vector256<ulong> ratioLoHi = Vector256.Create(q.BarrettLo >> 32);
        Vector256<ulong> ratioHi = Vector256.Create(q.BarrettHi);
        Vector256<ulong> ratioHiHi = Vector256.Create(q.BarrettHi >> 32);
        fixed (ulong* pl = lo, ph = hi, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                // SmallModulus.Reduce128 lane by lane: the quotient floor(x·floor(2^128/q) / 2^128), exact modulo 2^64.
                Vector256<ulong> l = Vector256.Load(pl + i);
                Vector256<ulong> h = Vector256.Load(ph + i);
                Vector256<ulong> hiTimesLoLo = h * ratioLo;
                Vector256<ulong> middle = hiTimesLoLo + MultiplyHigh(l, ratioLo, ratioLoHi);
                Vector256<ulong> carry = Vector256.LessThan(middle, hiTimesLoLo);
                Vector256<ulong> middle2 = middle + (l * ratioHi);
                carry += Vector256.LessThan(middle2, middle);
                Vector256<ulong> quotient = (h * ratioHi) + MultiplyHigh(h, ratioLo, ratioLoHi) + MultiplyHigh(l, ratioHi, ratioHiHi) - carry;
                SubtractIfAtLeast(l - (quotient * qv), qv).Store(pd + i);
            }
        }

        PolyArithScalar.ReduceWide(lo[body..], hi[body..], dst[body..], q);
    }

    public static void MultiplyScalarMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        Vector256<ulong> wv = Vector256.Create(w);
        Vector256<ulong> ws = Vector256.Create(wShoup);
        Vector256<ulong> wsHi = Vector256.Create(wShoup >> 32);
        fixed (ulong* pa = a, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                SubtractIfAtLeast(MultiplyShoupLazy(Vector256.Load(pa + i), wv, ws, wsHi, qv), qv).Store(pd + i);
            }
        }

        PolyArithScalar.MultiplyScalarMod(a[body..], w, wShoup, dst[body..], q);
    }

    public static void MultiplyScalarAddMod(ReadOnlySpan<ulong> a, ulong w, ulong wShoup, Span<ulong> acc, in SmallModulus q)
    {
        int body = acc.Length & ~(Lanes - 1);
        Vector256<ulong> qv = Vector256.Create(q.Value);
        Vector256<ulong> wv = Vector256.Create(w);
        Vector256<ulong> ws = Vector256.Create(wShoup);
        Vector256<ulong> wsHi = Vector256.Create(wShoup >> 32);
        fixed (ulong* pa = a, pc = acc)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                Vector256<ulong> r = SubtractIfAtLeast(MultiplyShoupLazy(Vector256.Load(pa + i), wv, ws, wsHi, qv), qv);
                SubtractIfAtLeast(r + Vector256.Load(pc + i), qv).Store(pc + i);
            }
        }

        PolyArithScalar.MultiplyScalarAddMod(a[body..], w, wShoup, acc[body..], q);
    }

    public static void MultiplyMod(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dst, in SmallModulus q)
    {
        int body = dst.Length & ~(Lanes - 1);
        var reducer = new ProductReducer(q);
        fixed (ulong* pa = a, pb = b, pd = dst)
        {
            for (int i = 0; i < body; i += Lanes)
            {
                reducer.MultiplyMod(Vector256.Load(pa + i), Vector256.Load(pb + i)).Store(pd + i);
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
                Vector256<ulong> product = reducer.MultiplyMod(Vector256.Load(pa + i), Vector256.Load(pb + i));
                SubtractIfAtLeast(product + Vector256.Load(pc + i), reducer.Modulus).Store(pc + i);
            }
        }

        PolyArithScalar.MultiplyAddMod(a[body..], b[body..], acc[body..], q);
    }

    /// <summary>The AVX2 twin of the AVX-512 product reducer (same constants, same bounds).</summary>
    private readonly struct ProductReducer
    {
        private readonly Vector256<ulong> _factor;
        private readonly Vector256<ulong> _factorHi;
        private readonly int _shift;

        public ProductReducer(in SmallModulus q)
        {
            _shift = q.BitCount - 1;
            ulong factor = (q.BarrettHi << _shift) | (q.BarrettLo >> (64 - _shift));
            _factor = Vector256.Create(factor);
            _factorHi = Vector256.Create(factor >> 32);
            Modulus = Vector256.Create(q.Value);
        }

        public Vector256<ulong> Modulus { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ulong> MultiplyMod(Vector256<ulong> a, Vector256<ulong> b)
        {
            Vector256<ulong> lo = a * b;
            Vector256<ulong> hi = MultiplyHigh(a, b, Avx2.ShiftRightLogical(b, 32));
            Vector256<ulong> shifted = (hi << (64 - _shift)) | (lo >> _shift);
            Vector256<ulong> r = lo - (MultiplyHigh(shifted, _factor, _factorHi) * Modulus);
            return SubtractIfAtLeast(SubtractIfAtLeast(r, Modulus + Modulus), Modulus);
        }
    }
}
