using System.Numerics;
using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ring;

public class ModArithTests
{
    private static readonly ulong[] Moduli =
    [
        2, 3, 4, 7, 8, 1UL << 32, (1UL << 32) + 15, 65537, 1234565441, 0xffffffffffc0001UL,
        (1UL << 61) - 1, (1UL << 60) + 1, (1UL << 40) - 87, 1UL << 60, 3UL << 59,
    ];

    public static TheoryData<ulong> ModulusData()
    {
        var data = new TheoryData<ulong>();
        foreach (ulong q in Moduli)
        {
            data.Add(q);
        }

        return data;
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(1UL << 61)]
    [InlineData(ulong.MaxValue)]
    public void Constructor_RejectsOutOfRange(ulong value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmallModulus(value));
    }

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void Constructor_ComputesBarrettConstantAndBitCount(ulong value)
    {
        var q = new SmallModulus(value);
        BigInteger expected = (BigInteger.One << 128) / value;
        BigInteger actual = ((BigInteger)q.BarrettHi << 64) + q.BarrettLo;
        Assert.Equal(expected, actual);
        Assert.Equal((int)((BigInteger)value).GetBitLength(), q.BitCount);
        Assert.Equal(value, q.Value);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        var a = new SmallModulus(65537);
        var b = new SmallModulus(65537);
        var c = new SmallModulus(12289);
        Assert.True(a == b);
        Assert.True(a != c);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(c));
    }

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void Reductions_MatchBigInteger(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random((int)(value % int.MaxValue));
        ulong[] edge = [0, 1, value - 1, value, value + 1, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63];
        for (int i = 0; i < 2000; i++)
        {
            ulong x = i < edge.Length ? edge[i] : RingTestUtil.NextULong(rng);
            ulong hi = i < edge.Length ? edge[(i + 3) % edge.Length] : RingTestUtil.NextULong(rng);
            Assert.Equal(x % value, q.Reduce(x));
            UInt128 wide = ((UInt128)hi << 64) | x;
            Assert.Equal((ulong)(wide % value), q.Reduce128(hi, x));
        }
    }

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void Arithmetic_MatchesBigInteger(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random((int)(value % 1000003));
        for (int i = 0; i < 2000; i++)
        {
            ulong a = i == 0 ? value - 1 : RingTestUtil.NextULong(rng) % value;
            ulong b = i == 0 ? value - 1 : RingTestUtil.NextULong(rng) % value;
            BigInteger ba = a;
            BigInteger bb = b;
            Assert.Equal((ulong)((ba + bb) % value), ModArith.Add(a, b, q));
            Assert.Equal((ulong)(((ba - bb) % value + value) % value), ModArith.Sub(a, b, q));
            Assert.Equal((ulong)((value - ba) % value), ModArith.Negate(a, q));
            Assert.Equal((ulong)(ba * bb % value), ModArith.Multiply(a, b, q));

            ulong x = RingTestUtil.NextULong(rng);
            ulong y = RingTestUtil.NextULong(rng);
            Assert.Equal((ulong)((BigInteger)x * y % value), ModArith.Multiply(x, y, q));

            ulong shoup = ModArith.ShoupPrecompute(b, q);
            Assert.Equal((ulong)(((BigInteger)b << 64) / value), shoup);
            Assert.Equal((ulong)((BigInteger)x * b % value), ModArith.MultiplyShoup(x, b, shoup, q));
            Assert.Equal((ulong)(ba * bb % value), ModArith.MultiplyShoup(a, b, shoup, q));

            ulong e = RingTestUtil.NextULong(rng) >> (i % 64);
            Assert.Equal((ulong)BigInteger.ModPow(x, e, value), ModArith.Pow(x, e, q));
        }
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(65537UL)]
    [InlineData(0xffffffffffc0001UL)]
    [InlineData((1UL << 61) - 1)]
    [InlineData((1UL << 60) + 1)]
    [InlineData(1UL << 60)]
    public void MultiplyShoup63_StaysBelowTwoQForAllInputsBelow2To63(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random(63);
        ulong[] edgeX = [0, 1, (1UL << 63) - 1, (1UL << 63) - 2, (4 * value) - 1, value, 0xFFFF_FFFFUL, 1UL << 32, 0x7FFF_FFFF_0000_0000UL];
        ulong[] edgeW = [0, 1, value - 1, value / 2, value - 2];
        for (int i = 0; i < 20000; i++)
        {
            ulong x = i < edgeX.Length * edgeW.Length ? edgeX[i % edgeX.Length] : RingTestUtil.NextULong(rng) >> 1;
            ulong w = i < edgeX.Length * edgeW.Length ? edgeW[i / edgeX.Length] : RingTestUtil.NextULong(rng) % value;
            ulong w63 = ModArith.Shoup63(w, q);
            Assert.Equal((ulong)(((BigInteger)w << 63) / value), w63);

            ulong r = ModArith.MultiplyShoup63(x, w, w63, value);
            Assert.True(r < 2 * value);
            Assert.Equal((ulong)((BigInteger)x * w % value), r % value);
        }
    }

    [Fact]
    public void ShoupPrecompute_RejectsUnreducedFactor()
    {
        var q = new SmallModulus(65537);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModArith.ShoupPrecompute(65537, q));
    }

    [Fact]
    public void Pow_EdgeCases()
    {
        var q = new SmallModulus(65537);
        Assert.Equal(1UL, ModArith.Pow(0, 0, q));
        Assert.Equal(0UL, ModArith.Pow(0, 5, q));
        Assert.Equal(1UL, ModArith.Pow(3, 65536, q));
        Assert.Equal(0UL, ModArith.Pow(65537 * 3, 7, q));
    }

    [Theory]
    [MemberData(nameof(ModulusData))]
    public void Inverse_MatchesDefinition(ulong value)
    {
        var q = new SmallModulus(value);
        var rng = new Random(17);
        for (int i = 0; i < 500; i++)
        {
            ulong a = RingTestUtil.NextULong(rng);
            bool invertible = BigInteger.GreatestCommonDivisor(a, value).IsOne;
            Assert.Equal(invertible, ModArith.TryInverse(a, q, out ulong inverse));
            if (invertible)
            {
                Assert.True(inverse < value);
                Assert.Equal(1UL % value, (ulong)((BigInteger)a * inverse % value));
                Assert.Equal(inverse, ModArith.Inverse(a, q));
            }
            else
            {
                Assert.Throws<ArithmeticException>(() => ModArith.Inverse(a, q));
            }
        }
    }

    [Fact]
    public void Inverse_OfZeroFails()
    {
        var q = new SmallModulus(65537);
        Assert.False(ModArith.TryInverse(0, q, out _));
        Assert.False(ModArith.TryInverse(65537, q, out _));
        Assert.Equal(1UL, ModArith.Inverse(1, q));
        Assert.Equal(65536UL, ModArith.Inverse(65536, q));
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(5UL)]
    [InlineData(37UL)]
    [InlineData(41UL)]
    [InlineData(65537UL)]
    [InlineData(59399UL)]
    [InlineData(72307UL)]
    [InlineData(36893488147419103UL)]
    [InlineData(0xffffffffffc0001UL)]
    [InlineData(1234565441UL)]
    [InlineData(2305843009213693951UL)] // 2^61 - 1
    [InlineData(18446744073709551557UL)] // largest 64-bit prime
    [InlineData(4294967291UL)]
    [InlineData(4294967311UL)]
    public void IsPrime_AcceptsPrimes(ulong n)
    {
        Assert.True(ModArith.IsPrime(n));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4UL)]
    [InlineData(221UL)]
    [InlineData(65536UL)]
    [InlineData(72307UL * 59399UL)]
    [InlineData(36893488147419107UL)]
    [InlineData(561UL)] // Carmichael numbers
    [InlineData(1105UL)]
    [InlineData(1729UL)]
    [InlineData(41041UL)]
    [InlineData(825265UL)]
    [InlineData(321197185UL)]
    [InlineData(5394826801UL)]
    [InlineData(232250619601UL)]
    [InlineData(9746347772161UL)]
    [InlineData(2047UL)] // strong pseudoprimes to base 2
    [InlineData(3277UL)]
    [InlineData(1373653UL)] // to bases 2, 3
    [InlineData(25326001UL)] // to bases 2, 3, 5
    [InlineData(3215031751UL)] // to bases 2..7
    [InlineData(2152302898747UL)] // to bases 2..11
    [InlineData(3474749660383UL)] // to bases 2..13
    [InlineData(341550071728321UL)] // to bases 2..17
    [InlineData(3825123056546413051UL)] // to bases 2..23
    [InlineData(18446744073709551615UL)]
    [InlineData(18446744073709551559UL)] // odd composite near 2^64
    [InlineData(4294967297UL)] // F5 = 641 * 6700417
    [InlineData(2305843009213693953UL)] // 2^61 + 1 = 3 * 768614336404564651
    [InlineData(1681UL)] // 41^2, the first square past the trial-division shortcut
    public void IsPrime_RejectsComposites(ulong n)
    {
        Assert.False(ModArith.IsPrime(n));
    }

    [Fact]
    public void IsPrime_MatchesSieveBelow100000()
    {
        const int limit = 100_000;
        var composite = new bool[limit];
        for (int i = 2; i * i < limit; i++)
        {
            if (!composite[i])
            {
                for (int j = i * i; j < limit; j += i)
                {
                    composite[j] = true;
                }
            }
        }

        for (int i = 0; i < limit; i++)
        {
            Assert.Equal(i >= 2 && !composite[i], ModArith.IsPrime((ulong)i));
        }
    }

    [Fact]
    public void TryMinimalPrimitiveRoot_MatchesSealKnownAnswers()
    {
        Assert.True(ModArith.TryMinimalPrimitiveRoot(2, new SmallModulus(11), out ulong r));
        Assert.Equal(10UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(2, new SmallModulus(29), out r));
        Assert.Equal(28UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(4, new SmallModulus(29), out r));
        Assert.Equal(12UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(2, new SmallModulus(1234565441), out r));
        Assert.Equal(1234565440UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(8, new SmallModulus(1234565441), out r));
        Assert.Equal(249725733UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(4, new SmallModulus(0xffffffffffc0001UL), out r));
        Assert.Equal(288794978602139552UL, r);
        Assert.True(ModArith.TryMinimalPrimitiveRoot(8, new SmallModulus(0xffffffffffc0001UL), out r));
        Assert.Equal(178930308976060547UL, r);
    }

    [Theory]
    [InlineData(7681UL)]
    [InlineData(12289UL)]
    [InlineData(65537UL)]
    [InlineData(40961UL)]
    public void TryMinimalPrimitiveRoot_MatchesBruteForce(ulong value)
    {
        var q = new SmallModulus(value);
        for (ulong degree = 2; (value - 1) % degree == 0 && degree <= 1024; degree <<= 1)
        {
            ulong expected = 0;
            for (ulong x = 2; x < value; x++)
            {
                if (RingTestUtil.PowMod(x, degree / 2, value) == value - 1)
                {
                    expected = x;
                    break;
                }
            }

            Assert.True(ModArith.TryMinimalPrimitiveRoot(degree, q, out ulong root));
            Assert.Equal(expected, root);
        }
    }

    [Fact]
    public void TryMinimalPrimitiveRoot_FailsWithoutRoot()
    {
        Assert.False(ModArith.TryMinimalPrimitiveRoot(16, new SmallModulus(7681 + 2), out _));
        Assert.False(ModArith.TryMinimalPrimitiveRoot(6, new SmallModulus(7681), out _));
        Assert.False(ModArith.TryMinimalPrimitiveRoot(1024, new SmallModulus(7681), out _));
        Assert.False(ModArith.TryMinimalPrimitiveRoot(4, new SmallModulus(9), out _));
    }
}
