using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ring;

public class PolyArithTests
{
    private static readonly int[] Lengths = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 1023, 4096];

    public static TheoryData<ulong> ModulusData() => new()
    {
        2, 3, 65537, 1UL << 32, (1UL << 32) + 15, RingTestUtil.Prime(40, 10), 0xffffffffffc0001UL,
        RingTestUtil.Prime(61, 4), (1UL << 61) - 1, 1UL << 60,
    };

    private static ulong Ref(ulong a, ulong b, Func<UInt128, UInt128, UInt128> op, ulong q)
        => (ulong)(op(a, b) % q);

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void BinaryOps_MatchReference(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random((int)(value % 7919));
        foreach (int length in Lengths)
        {
            ulong[] a = RingTestUtil.RandomVector(rng, length, value);
            ulong[] b = RingTestUtil.RandomVector(rng, length, value);
            if (length > 2)
            {
                a[0] = value - 1;
                b[0] = value - 1;
                a[1] = 0;
                b[2] = 0;
            }

            ulong[] dst = new ulong[length];
            PolyArith.AddMod(a, b, dst, q);
            AssertElementwise(dst, i => Ref(a[i], b[i], (x, y) => x + y, value));

            PolyArith.SubMod(a, b, dst, q);
            AssertElementwise(dst, i => Ref(a[i], b[i], (x, y) => x + value - y, value));

            PolyArith.NegateMod(a, dst, q);
            AssertElementwise(dst, i => Ref(a[i], 0, (x, _) => value - x, value));

            PolyArith.MultiplyMod(a, b, dst, q);
            AssertElementwise(dst, i => Ref(a[i], b[i], (x, y) => x * y, value));

            ulong[] acc = RingTestUtil.RandomVector(rng, length, value);
            ulong[] acc0 = (ulong[])acc.Clone();
            PolyArith.MultiplyAddMod(a, b, acc, q);
            AssertElementwise(acc, i => (ulong)(((UInt128)a[i] * b[i] + acc0[i]) % value));

            ulong scalar = RingTestUtil.NextULong(rng) % value;
            PolyArith.MultiplyScalarMod(a, scalar, dst, q);
            AssertElementwise(dst, i => Ref(a[i], scalar, (x, y) => x * y, value));

            acc0 = (ulong[])acc.Clone();
            PolyArith.MultiplyScalarAddMod(a, scalar, acc, q);
            AssertElementwise(acc, i => (ulong)(((UInt128)a[i] * scalar + acc0[i]) % value));

            PolyArith.AddScalarMod(a, scalar, dst, q);
            AssertElementwise(dst, i => Ref(a[i], scalar, (x, y) => x + y, value));

            ulong bigScalar = RingTestUtil.NextULong(rng);
            PolyArith.MultiplyScalarMod(a, bigScalar, dst, q);
            AssertElementwise(dst, i => Ref(a[i], bigScalar, (x, y) => x * y, value));
            PolyArith.AddScalarMod(a, bigScalar, dst, q);
            AssertElementwise(dst, i => Ref(a[i], bigScalar % value, (x, y) => x + y, value));

            ulong[] wide = RingTestUtil.RandomVector(rng, length, ulong.MaxValue);
            if (length > 1)
            {
                wide[0] = ulong.MaxValue;
                wide[1] = value;
            }

            PolyArith.ReduceMod(wide, dst, q);
            AssertElementwise(dst, i => wide[i] % value);
        }
    }

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void Ops_AllowDestinationToAliasInputs(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random(3);
        const int length = 37;
        ulong[] a = RingTestUtil.RandomVector(rng, length, value);
        ulong[] b = RingTestUtil.RandomVector(rng, length, value);
        ulong scalar = RingTestUtil.NextULong(rng) % value;

        void Check(Action<ulong[], ulong[], ulong[]> op)
        {
            ulong[] expected = new ulong[length];
            op(a, b, expected);

            ulong[] x = (ulong[])a.Clone();
            op(x, b, x);
            Assert.Equal(expected, x);

            ulong[] y = (ulong[])b.Clone();
            op(a, y, y);
            Assert.Equal(expected, y);
        }

        Check((x, y, d) => PolyArith.AddMod(x, y, d, q));
        Check((x, y, d) => PolyArith.SubMod(x, y, d, q));
        Check((x, y, d) => PolyArith.MultiplyMod(x, y, d, q));
        Check((x, _, d) => PolyArith.NegateMod(x, d, q));
        Check((x, _, d) => PolyArith.MultiplyScalarMod(x, scalar, d, q));
        Check((x, _, d) => PolyArith.AddScalarMod(x, scalar, d, q));
        Check((x, _, d) => PolyArith.ReduceMod(x, d, q));

        ulong[] acc = (ulong[])a.Clone();
        ulong[] expectedAcc = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            expectedAcc[i] = (ulong)(((UInt128)a[i] * a[i] + a[i]) % value);
        }

        PolyArith.MultiplyAddMod(acc, acc, acc, q);
        Assert.Equal(expectedAcc, acc);

        acc = (ulong[])a.Clone();
        for (int i = 0; i < length; i++)
        {
            expectedAcc[i] = (ulong)(((UInt128)a[i] * scalar + a[i]) % value);
        }

        PolyArith.MultiplyScalarAddMod(acc, scalar, acc, q);
        Assert.Equal(expectedAcc, acc);
    }

    [Fact]
    public void Ops_RejectMismatchedLengths()
    {
        var q = new SmallModulus(65537);
        ulong[] a = new ulong[8];
        ulong[] b = new ulong[9];
        Assert.Throws<ArgumentException>(() => PolyArith.AddMod(a, b, a, q));
        Assert.Throws<ArgumentException>(() => PolyArith.SubMod(a, a, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.NegateMod(a, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.MultiplyMod(b, a, a, q));
        Assert.Throws<ArgumentException>(() => PolyArith.MultiplyAddMod(a, a, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.MultiplyScalarMod(a, 3, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.MultiplyScalarAddMod(a, 3, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.AddScalarMod(a, 3, b, q));
        Assert.Throws<ArgumentException>(() => PolyArith.ReduceMod(a, b, q));
    }

    [Fact]
    public void Galois_RejectsInvalidArguments()
    {
        var q = new SmallModulus(65537);
        ulong[] a = new ulong[16];
        ulong[] b = new ulong[16];
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisNtt(a, b, 4, 4));
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisNtt(a, new ulong[8], 3, 4));
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisNtt(a, a, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => PolyArith.PermuteGaloisNtt(a, b, 3, 0));
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisCoeff(a, b, 2, q));
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisCoeff(new ulong[12], new ulong[12], 3, q));
        Assert.Throws<ArgumentException>(() => PolyArith.PermuteGaloisCoeff(a, a.AsSpan(), 3, q));
    }

    [Fact]
    public void PermuteGaloisCoeff_MatchesSubstitution()
    {
        const int n = 64;
        var q = new SmallModulus(65537);
        var rng = new Random(5);
        ulong[] a = RingTestUtil.RandomVector(rng, n, q.Value);
        ulong[] dst = new ulong[n];
        foreach (uint g in new uint[] { 1, 3, 5, 25, 127, 2 * n - 1 })
        {
            PolyArith.PermuteGaloisCoeff(a, dst, g, q);
            ulong[] expected = new ulong[n];
            for (int i = 0; i < n; i++)
            {
                // X^(i·g) reduced with X^N = -1, applied as repeated negation.
                long e = (long)i * g;
                bool negate = (e / n) % 2 == 1;
                int target = (int)(e % n);
                expected[target] = negate ? (q.Value - a[i]) % q.Value : a[i];
            }

            Assert.Equal(expected, dst);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(13)]
    [InlineData(16)]
    public void PermuteGaloisNtt_MatchesCoefficientDomain(int logN)
    {
        int n = 1 << logN;
        var rng = new Random(logN);
        ulong p = RingTestUtil.Prime(60, logN);
        var q = new SmallModulus(p);
        var tables = new NttTables(logN, q);
        ulong[] ntt = RingTestUtil.RandomVector(rng, n, p);

        var elements = new List<uint> { 1, (uint)(2 * n) - 1 };
        for (uint g = 3, step = 0; step < 4 && g < 2 * n; step++, g = (uint)(g * 5 % (2 * n)))
        {
            elements.Add(g);
        }

        elements.Add((uint)(rng.Next(n) * 2) + 1);
        foreach (uint g in elements)
        {
            ulong[] viaNtt = new ulong[n];
            PolyArith.PermuteGaloisNtt(ntt, viaNtt, g, logN);

            ulong[] coeff = (ulong[])ntt.Clone();
            tables.Inverse(coeff);
            ulong[] permuted = new ulong[n];
            PolyArith.PermuteGaloisCoeff(coeff, permuted, g, q);
            tables.Forward(permuted);

            Assert.Equal(permuted, viaNtt);
        }

        // Galois elements are taken modulo 2N.
        ulong[] reduced = new ulong[n];
        ulong[] unreduced = new ulong[n];
        PolyArith.PermuteGaloisNtt(ntt, reduced, 3 % (uint)(2 * n), logN);
        PolyArith.PermuteGaloisNtt(ntt, unreduced, 3 + (uint)(2 * n), logN);
        Assert.Equal(reduced, unreduced);
    }

    private static void AssertElementwise(ulong[] actual, Func<int, ulong> expected)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected(i), actual[i]);
        }
    }
}
