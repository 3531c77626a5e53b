using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ring;

public class NttTablesTests
{
    private const ulong SealTestPrime = 0xffffffffffc0001UL;

    public static TheoryData<int, int> LogNAndBits()
    {
        var data = new TheoryData<int, int>();
        for (int logN = 1; logN <= 17; logN++)
        {
            foreach (int bits in new[] { 30, 40, 50, 60 })
            {
                data.Add(logN, bits);
            }
        }

        data.Add(13, 61);
        data.Add(16, 61);
        return data;
    }

    [Fact]
    public void Constructor_ValidatesArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(0, new SmallModulus(65537)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(18, new SmallModulus(65537)));
        Assert.Throws<ArgumentException>(() => new NttTables(4, new SmallModulus(65537 + 32)));
        Assert.Throws<ArgumentException>(() => new NttTables(10, new SmallModulus(12289 + 2048 * 4))); // 20481 = 3 * 6827
        Assert.Throws<ArgumentException>(() => new NttTables(12, new SmallModulus(12289)));
        var tables = new NttTables(4, new SmallModulus(65537));
        Assert.Throws<ArgumentException>(() => tables.Forward(new ulong[15]));
        Assert.Throws<ArgumentException>(() => tables.Inverse(new ulong[17]));
        Assert.Throws<ArgumentException>(() => tables.ForwardLazy(new ulong[8]));
    }

    [Fact]
    public void Properties_AreReported()
    {
        var q = new SmallModulus(SealTestPrime);
        var tables = new NttTables(10, q);
        Assert.Equal(10, tables.LogN);
        Assert.Equal(1024, tables.N);
        Assert.Equal(q, tables.Modulus);
    }

    [Fact]
    public void Root_MatchesSealKnownAnswers()
    {
        var q = new SmallModulus(SealTestPrime);
        Assert.Equal(288794978602139552UL, new NttTables(1, q).Root);
        Assert.Equal(178930308976060547UL, new NttTables(2, q).Root);
    }

    [Fact]
    public void Forward_MatchesSealKnownAnswers()
    {
        var tables = new NttTables(1, new SmallModulus(SealTestPrime));
        ulong[] poly = [0, 0];
        tables.Forward(poly);
        Assert.Equal([0UL, 0UL], poly);

        poly = [1, 0];
        tables.Forward(poly);
        Assert.Equal([1UL, 1UL], poly);

        poly = [1, 1];
        tables.Forward(poly);
        Assert.Equal([288794978602139553UL, 864126526004445282UL], poly);
    }

    [Theory]
    [InlineData(12289UL, 11)]
    [InlineData(65537UL, 15)]
    [InlineData(786433UL, 17)]
    [InlineData(7681UL, 8)]
    public void Root_IsMinimalPrimitiveRootByBruteForce(ulong value, int maxLogN)
    {
        for (int logN = 1; logN <= maxLogN; logN++)
        {
            ulong n = 1UL << logN;
            ulong expected = 2;
            while (RingTestUtil.PowMod(expected, n, value) != value - 1)
            {
                expected++;
            }

            Assert.Equal(expected, new NttTables(logN, new SmallModulus(value)).Root);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Forward_EvaluatesAtOddPowersInBitReversedOrder(int logN)
    {
        var rng = new Random(logN);
        foreach (int bits in new[] { 30, 50, 60, 61 })
        {
            ulong p = RingTestUtil.Prime(bits, logN);
            var tables = new NttTables(logN, new SmallModulus(p));
            int n = 1 << logN;
            ulong[] a = RingTestUtil.RandomVector(rng, n, p);
            ulong[] values = (ulong[])a.Clone();
            tables.Forward(values);
            for (int k = 0; k < n; k++)
            {
                ulong exponent = (2UL * (ulong)RingTestUtil.BitReverse(k, logN)) + 1;
                ulong point = RingTestUtil.PowMod(tables.Root, exponent, p);
                Assert.Equal(RingTestUtil.Evaluate(a, point, p), values[k]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(LogNAndBits))]
    public void ForwardThenInverse_IsIdentity(int logN, int bits)
    {
        var rng = new Random((logN * 100) + bits);
        ulong p = RingTestUtil.Prime(bits, logN);
        var tables = new NttTables(logN, new SmallModulus(p));
        int n = 1 << logN;
        ulong[] a = RingTestUtil.RandomVector(rng, n, p);
        a[0] = p - 1;
        ulong[] values = (ulong[])a.Clone();

        tables.Forward(values);
        Assert.All(values, v => Assert.True(v < p));
        tables.Inverse(values);
        Assert.Equal(a, values);

        tables.ForwardLazy(values);
        Assert.All(values, v => Assert.True(v < 4 * p));
        for (int i = 0; i < n; i++)
        {
            values[i] %= p;
        }

        tables.Inverse(values);
        Assert.Equal(a, values);
    }

    [Theory]
    [MemberData(nameof(LogNAndBits))]
    public void NegacyclicProduct_MatchesNaive(int logN, int bits)
    {
        var rng = new Random((logN * 1000) + bits);
        ulong p = RingTestUtil.Prime(bits, logN);
        var q = new SmallModulus(p);
        var tables = new NttTables(logN, q);
        int n = 1 << logN;

        // Dense × dense: check a few coefficients (all of them for small N) directly.
        ulong[] a = RingTestUtil.RandomVector(rng, n, p);
        ulong[] b = RingTestUtil.RandomVector(rng, n, p);
        ulong[] product = NttProduct(tables, a, b);
        int checks = Math.Min(n, 64);
        for (int c = 0; c < checks; c++)
        {
            int k = checks == n ? c : rng.Next(n);
            Assert.Equal(RingTestUtil.NegacyclicCoefficient(a, b, k, p), product[k]);
        }

        // Dense × sparse: every coefficient, including the wrap-around negation.
        ulong[] sparse = new ulong[n];
        sparse[n - 1] = RingTestUtil.NextULong(rng) % p;
        for (int t = 0; t < 3; t++)
        {
            sparse[rng.Next(n)] = RingTestUtil.NextULong(rng) % p;
        }

        Assert.Equal(RingTestUtil.NegacyclicProductSparse(a, sparse, p), NttProduct(tables, a, sparse));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(60)]
    public void Transforms_AreLinear(int bits)
    {
        const int logN = 10;
        var rng = new Random(bits);
        ulong p = RingTestUtil.Prime(bits, logN);
        var q = new SmallModulus(p);
        var tables = new NttTables(logN, q);
        ulong[] a = RingTestUtil.RandomVector(rng, 1024, p);
        ulong[] b = RingTestUtil.RandomVector(rng, 1024, p);
        ulong[] sum = new ulong[1024];
        PolyArith.AddMod(a, b, sum, q);
        tables.Forward(a);
        tables.Forward(b);
        tables.Forward(sum);
        PolyArith.AddMod(a, b, a, q);
        Assert.Equal(a, sum);
    }

    [Theory]
    [MemberData(nameof(LogNAndBits))]
    public void VectorKernels_AreBitIdenticalToScalar(int logN, int bits)
    {
        var rng = new Random((logN * 10000) + bits);
        ulong p = RingTestUtil.Prime(bits, logN);
        var tables = new NttTables(logN, new SmallModulus(p));
        if (Vector512Arith.IsSupported && logN >= NttTables.MinVector512LogN)
        {
            CheckAgainstScalar(tables, rng, tables.ForwardVector512, tables.InverseVector512);
        }

        if (Vector256Arith.IsSupported && logN >= NttTables.MinVector256LogN)
        {
            CheckAgainstScalar(tables, rng, tables.ForwardVector256, tables.InverseVector256);
        }
    }

    private delegate void ForwardKernel(Span<ulong> values, bool reduce);

    private delegate void InverseKernel(Span<ulong> values);

    private static void CheckAgainstScalar(NttTables tables, Random rng, ForwardKernel forward, InverseKernel inverse)
    {
        int n = tables.N;
        ulong p = tables.Modulus.Value;

        // Lazy forward accepts [0, 4q); inverse tolerates [0, 2q). Edge values sit at the bounds.
        ulong[] lazyInput = RingTestUtil.RandomVector(rng, n, 4 * p);
        lazyInput[0] = (4 * p) - 1;
        lazyInput[n - 1] = 0;
        ulong[] expected = (ulong[])lazyInput.Clone();
        ulong[] actual = (ulong[])lazyInput.Clone();
        tables.ForwardLazyScalar(expected);
        forward(actual, false);
        Assert.Equal(expected, actual);

        tables.ReduceFromFourQ(expected);
        actual = (ulong[])lazyInput.Clone();
        forward(actual, true);
        Assert.Equal(expected, actual);

        ulong[] inverseInput = RingTestUtil.RandomVector(rng, n, 2 * p);
        inverseInput[1] = (2 * p) - 1;
        expected = (ulong[])inverseInput.Clone();
        actual = (ulong[])inverseInput.Clone();
        tables.InverseScalar(expected);
        inverse(actual);
        Assert.Equal(expected, actual);
    }

    private static ulong[] NttProduct(NttTables tables, ulong[] a, ulong[] b)
    {
        ulong[] fa = (ulong[])a.Clone();
        ulong[] fb = (ulong[])b.Clone();
        tables.Forward(fa);
        tables.Forward(fb);
        PolyArith.MultiplyMod(fa, fb, fa, tables.Modulus);
        tables.Inverse(fa);
        return fa;
    }
}
