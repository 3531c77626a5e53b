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
