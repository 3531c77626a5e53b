using System.Numerics;
using HeCompute.Ckks.Ring;

namespace HeCompute.Ckks.Tests.Ring;

/// <summary>The AVX-512 kernels must agree bit for bit with the scalar reference.</summary>
public class PolyArithVectorTests
{
    public static TheoryData<int> BitCounts()
    {
        var data = new TheoryData<int>();
        for (int bits = 2; bits <= 61; bits++)
        {
            data.Add(bits);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BitCounts))]
    public void Kernels_MatchScalar(int bits)
    {
        if (!Vector512Arith.IsSupported)
        {
            return;
        }

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

                Same(a, b, acc, (x, y, d) => PolyArithScalar.AddMod(x, y, d, q), (x, y, d) => PolyArithVector.AddMod(x, y, d, q));
                Same(a, b, acc, (x, y, d) => PolyArithScalar.SubMod(x, y, d, q), (x, y, d) => PolyArithVector.SubMod(x, y, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.NegateMod(x, d, q), (x, _, d) => PolyArithVector.NegateMod(x, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.AddScalarMod(x, scalar, d, q), (x, _, d) => PolyArithVector.AddScalarMod(x, scalar, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.MultiplyScalarMod(x, scalar, shoup, d, q), (x, _, d) => PolyArithVector.MultiplyScalarMod(x, scalar, shoup, d, q));
                Same(a, b, acc, (x, _, d) => PolyArithScalar.MultiplyScalarAddMod(x, scalar, shoup, d, q), (x, _, d) => PolyArithVector.MultiplyScalarAddMod(x, scalar, shoup, d, q));

                ulong[] wide = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
                wide[0] = ulong.MaxValue;
                wide[1] = value - 1;
                wide[2] = value;
                wide[3] = ulong.MaxValue - (ulong.MaxValue % value) - 1;
                Same(wide, b, acc, (x, _, d) => PolyArithScalar.ReduceMod(x, d, q), (x, _, d) => PolyArithVector.ReduceMod(x, d, q));

                if (PolyArithVector.SupportsProducts(q))
                {
                    Same(a, b, acc, (x, y, d) => PolyArithScalar.MultiplyMod(x, y, d, q), (x, y, d) => PolyArithVector.MultiplyMod(x, y, d, q));
                    Same(a, b, acc, (x, y, d) => PolyArithScalar.MultiplyAddMod(x, y, d, q), (x, y, d) => PolyArithVector.MultiplyAddMod(x, y, d, q));
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
}
