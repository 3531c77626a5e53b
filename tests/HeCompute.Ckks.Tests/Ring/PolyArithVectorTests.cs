using System.Numerics;
using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ring;

/// <summary>The AVX-512 and AVX2 kernels must agree bit for bit with the scalar reference.</summary>
public class PolyArithVectorTests
{
    public static TheoryData<int, int> BitCountsAndWidths()
    {
        var data = new TheoryData<int, int>();
        for (int bits = 2; bits <= 61; bits++)
        {
            data.Add(bits, 512);
            data.Add(bits, 256);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BitCountsAndWidths))]
    public void Kernels_MatchScalar(int bits, int width)
    {
        if (width == 512 ? !Vector512Arith.IsSupported : !Vector256Arith.IsSupported)
        {
            return;
        }

        IKernels vector = width == 512 ? new Vector512Kernels() : new Vector256Kernels();

        var rng = new Random(bits);
        ulong low = 1UL << (bits - 1);
        var moduli = new List<ulong> { Math.Max(2, low), (1UL << bits) - 1, low + 1 };
        for (int i = 0; i < 3; i++)
        {
            moduli.Add(low + (RingTestUtil.NextULong(rng) % low));
        }

        foreach (ulong value in moduli)
        {
            var q = new SmallModulus(value);
            foreach (int length in new[] { 8, 13, 64, 203 })
            {
                ulong[] a = Operand(rng, length, value);
                ulong[] b = Operand(rng, length, value);
                ulong[] acc = Operand(rng, length, value);
                ulong scalar = RingTestUtil.NextULong(rng) % value;
                ulong shoup = ModArith.ShoupPrecompute(scalar, q);

                Same(a, b, acc, (x, y, d) => PolyArithScalar.AddMod(x, y, d, q), (x, y, d) => vector.AddMod(x, y, d, q));
                Same(a, b, acc, (x, y, d) => PolyArithScalar.SubMod(x, y, d, q), (x, y, d) => vector.SubMod(x, y, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.NegateMod(x, d, q), (x, _, d) => vector.NegateMod(x, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.AddScalarMod(x, scalar, d, q), (x, _, d) => vector.AddScalarMod(x, scalar, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.MultiplyScalarMod(x, scalar, shoup, d, q), (x, _, d) => vector.MultiplyScalarMod(x, scalar, shoup, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.MultiplyScalarAddMod(x, scalar, shoup, d, q), (x, _, d) => vector.MultiplyScalarAddMod(x, scalar, shoup, d, q));

                ulong[] wide = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
                wide[0] = ulong.MaxValue;
                wide[1] = value - 1;
                wide[2] = value;
                wide[3] = ulong.MaxValue - (ulong.MaxValue % value) - 1;
                Same(wide, b, acc, (x, _, d) => PolyArithScalar.ReduceMod(x, d, q), (x, _, d) => vector.ReduceMod(x, d, q));

                if (PolyArithVector512.SupportsProducts(q))
                {
                    Same(a, b, acc, (x, y, d) => PolyArithScalar.MultiplyMod(x, y, d, q), (x, y, d) => vector.MultiplyMod(x, y, d, q));
                    Same(a, b, acc, (x, y, d) => PolyArithScalar.MultiplyAddMod(x, y, d, q), (x, y, d) => vector.MultiplyAddMod(x, y, d, q));
                }
                else
                {
                    Assert.True(BitOperations.IsPow2(value));
                }
            }
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    public void WideKernels_MatchScalarAndUInt128(int width)
    {
        if (width == 512 ? !Vector512Arith.IsSupported : !Vector256Arith.IsSupported)
        {
            return;
        }

        var rng = new Random(width);
        foreach (int length in new[] { 8, 13, 64, 203 })
        {
            // Any 64-bit factors and any 128-bit accumulator: both kernels compute modulo 2^128, so the carry from the
            // low word (planted: all-ones low words, largest factors) must come out exactly as UInt128's.
            ulong[] a = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
            ulong[] b = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
            ulong[] lo = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
            ulong[] hi = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
            (a[0], b[0], lo[0], hi[0]) = (ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0);
            (a[1], b[1], lo[1], hi[1]) = (0, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
            (a[2], b[2], lo[2], hi[2]) = (1, ulong.MaxValue, 1, 0);
            (a[3], b[3], lo[3], hi[3]) = ((1UL << 62) - 1, (1UL << 60) - 1, ulong.MaxValue - 1, 1UL << 62);
            var expectedLo = (ulong[])lo.Clone();
            var expectedHi = (ulong[])hi.Clone();
            PolyArithScalar.MultiplyAddWide(a, b, expectedLo, expectedHi);
            for (int i = 0; i < length; i++)
            {
                UInt128 sum = new UInt128(hi[i], lo[i]) + ((UInt128)a[i] * b[i]);
                Assert.Equal((ulong)sum, expectedLo[i]);
                Assert.Equal((ulong)(sum >> 64), expectedHi[i]);
            }

            var actualLo = (ulong[])lo.Clone();
            var actualHi = (ulong[])hi.Clone();
            if (width == 512)
            {
                PolyArithVector512.MultiplyAddWide(a, b, actualLo, actualHi);
            }
            else
            {
                PolyArithVector256.MultiplyAddWide(a, b, actualLo, actualHi);
            }

            Assert.Equal(expectedLo, actualLo);
            Assert.Equal(expectedHi, actualHi);

            for (int bits = 2; bits <= 61; bits++)
            {
                ulong value = Math.Max(2, (1UL << (bits - 1)) + (RingTestUtil.NextULong(rng) % (1UL << (bits - 1))));
                var q = new SmallModulus(value);
                (lo[4], hi[4]) = (value - 1, 0);
                (lo[5], hi[5]) = (0, value);
                var expected = new ulong[length];
                var actual = new ulong[length];
                PolyArithScalar.ReduceWide(lo, hi, expected, q);
                if (width == 512)
                {
                    PolyArithVector512.ReduceWide(lo, hi, actual, q);
                }
                else
                {
                    PolyArithVector256.ReduceWide(lo, hi, actual, q);
                }

                for (int i = 0; i < length; i++)
                {
                    Assert.Equal((ulong)(new UInt128(hi[i], lo[i]) % value), expected[i]);
                }

                Assert.Equal(expected, actual);
            }
        }
    }

    /// <summary>Random residues with the extremes planted at the front.</summary>
    private static ulong[] Operand(Random rng, int length, ulong q)
    {
        ulong[] v = RingTestUtil.RandomVector(rng, length, q);
        v[0] = q - 1;
        v[1] = 0;
        v[2] = q - 1;
        v[3] = 1;
        v[4] = q / 2;
        return v;
    }

    private static void Same(ulong[] a, ulong[] b, ulong[] acc, Action<ulong[], ulong[], ulong[]> scalar, Action<ulong[], ulong[], ulong[]> vector)
    {
        ulong[] expected = (ulong[])acc.Clone();
        ulong[] actual = (ulong[])acc.Clone();
        scalar(a, b, expected);
        vector(a, b, actual);
        Assert.Equal(expected, actual);
    }

    private interface IKernels
    {
        void AddMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q);

        void SubMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q);

        void NegateMod(ulong[] a, ulong[] dst, SmallModulus q);

        void AddScalarMod(ulong[] a, ulong scalar, ulong[] dst, SmallModulus q);

        void MultiplyScalarMod(ulong[] a, ulong w, ulong wShoup, ulong[] dst, SmallModulus q);

        void MultiplyScalarAddMod(ulong[] a, ulong w, ulong wShoup, ulong[] acc, SmallModulus q);

        void ReduceMod(ulong[] a, ulong[] dst, SmallModulus q);

        void MultiplyMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q);

        void MultiplyAddMod(ulong[] a, ulong[] b, ulong[] acc, SmallModulus q);
    }

    private sealed class Vector512Kernels : IKernels
    {
        public void AddMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector512.AddMod(a, b, dst, q);

        public void SubMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector512.SubMod(a, b, dst, q);

        public void NegateMod(ulong[] a, ulong[] dst, SmallModulus q) => PolyArithVector512.NegateMod(a, dst, q);

        public void AddScalarMod(ulong[] a, ulong scalar, ulong[] dst, SmallModulus q) => PolyArithVector512.AddScalarMod(a, scalar, dst, q);

        public void MultiplyScalarMod(ulong[] a, ulong w, ulong wShoup, ulong[] dst, SmallModulus q) => PolyArithVector512.MultiplyScalarMod(a, w, wShoup, dst, q);

        public void MultiplyScalarAddMod(ulong[] a, ulong w, ulong wShoup, ulong[] acc, SmallModulus q) => PolyArithVector512.MultiplyScalarAddMod(a, w, wShoup, acc, q);

        public void ReduceMod(ulong[] a, ulong[] dst, SmallModulus q) => PolyArithVector512.ReduceMod(a, dst, q);

        public void MultiplyMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector512.MultiplyMod(a, b, dst, q);

        public void MultiplyAddMod(ulong[] a, ulong[] b, ulong[] acc, SmallModulus q) => PolyArithVector512.MultiplyAddMod(a, b, acc, q);
    }

    private sealed class Vector256Kernels : IKernels
    {
        public void AddMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector256.AddMod(a, b, dst, q);

        public void SubMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector256.SubMod(a, b, dst, q);

        public void NegateMod(ulong[] a, ulong[] dst, SmallModulus q) => PolyArithVector256.NegateMod(a, dst, q);

        public void AddScalarMod(ulong[] a, ulong scalar, ulong[] dst, SmallModulus q) => PolyArithVector256.AddScalarMod(a, scalar, dst, q);

        public void MultiplyScalarMod(ulong[] a, ulong w, ulong wShoup, ulong[] dst, SmallModulus q) => PolyArithVector256.MultiplyScalarMod(a, w, wShoup, dst, q);

        public void MultiplyScalarAddMod(ulong[] a, ulong w, ulong wShoup, ulong[] acc, SmallModulus q) => PolyArithVector256.MultiplyScalarAddMod(a, w, wShoup, acc, q);

        public void ReduceMod(ulong[] a, ulong[] dst, SmallModulus q) => PolyArithVector256.ReduceMod(a, dst, q);

        public void MultiplyMod(ulong[] a, ulong[] b, ulong[] dst, SmallModulus q) => PolyArithVector256.MultiplyMod(a, b, dst, q);

        public void MultiplyAddMod(ulong[] a, ulong[] b, ulong[] acc, SmallModulus q) => PolyArithVector256.MultiplyAddMod(a, b, acc, q);
    }
}
