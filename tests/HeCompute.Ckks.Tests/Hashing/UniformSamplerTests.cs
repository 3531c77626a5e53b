using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

/// <summary>
/// Expected values: SEAL's sample_poly_uniform replayed over the SEAL-generated PRNG stream
/// (see <see cref="UniformRandomGeneratorTests"/>). The modulus 2^63 + 1 rejects about half of
/// all draws, so the redraw path and its position in the stream are exercised heavily.
/// </summary>
public class UniformSamplerTests
{
    private static string Sha256OfWords(ReadOnlySpan<ulong> words)
    {
        var bytes = new byte[words.Length * 8];
        for (int i = 0; i < words.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), words[i]);
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    [Theory]
    [InlineData((byte)PrngType.Blake2xb, 3901226293883131440UL, 2694326907328671090UL, "25297ac64b6fa85b72ab7c59a379bc1f47469e3ba52ee6b9be93d44106df2173", 11339782090197834358UL)]
    [InlineData((byte)PrngType.Shake256, 8316546288649048074UL, 9011386699432316856UL, "6052c14751c42582bff84b90eb0913584a02f9ef75e4e980e3f32f9242949323", 5590726644196619801UL)]
    public void MatchesSealWithinOneBlock(byte prngType, ulong first, ulong second, string sha256, ulong nextDraw)
    {
        var type = (PrngType)prngType;
        ulong[] moduli = [(1UL << 63) + 1, 0xFFFFFFFFFFC0001, 3, 1UL << 61];
        const int n = 64;
        var dest = new ulong[moduli.Length * n];
        using UniformRandomGenerator prng = PrngFactory.Create(type, UniformRandomGeneratorTests.ReferenceSeed());
        UniformSampler.SamplePolyUniform(prng, moduli, n, dest);

        Assert.Equal(first, dest[0]);
        Assert.Equal(second, dest[1]);
        Assert.Equal(sha256, Sha256OfWords(dest));
        Assert.Equal(nextDraw, prng.NextUInt64());
        for (int j = 0; j < moduli.Length; j++)
        {
            Assert.All(dest.AsSpan(j * n, n).ToArray(), v => Assert.True(v < moduli[j]));
        }
    }

    [Theory]
    [InlineData((byte)PrngType.Blake2xb, "bb6592975dcada14afc393d65aa7646f19ab11389fcf8d2837376b03fcc7c3a7", 8604687729436972877UL)]
    [InlineData((byte)PrngType.Shake256, "77ed44a3ed1489fa7dd74fa887d4b5cc889acac9b9b6c5672653f205bb0ac7e0", 5490574723995697409UL)]
    public void MatchesSealAcrossBlocks(byte prngType, string sha256, ulong nextDraw)
    {
        var type = (PrngType)prngType;
        // 2 x 512 words fill exactly two blocks, so every redraw comes from the third and fourth.
        ulong[] moduli = [(1UL << 63) + 1, 0xFFFFFFFFFFC0001];
        const int n = 512;
        var dest = new ulong[moduli.Length * n];
        using UniformRandomGenerator prng = PrngFactory.Create(type, UniformRandomGeneratorTests.ReferenceSeed());
        UniformSampler.SamplePolyUniform(prng, moduli, n, dest);

        Assert.Equal(sha256, Sha256OfWords(dest));
        Assert.Equal(nextDraw, prng.NextUInt64());
    }

    [Fact]
    public void WritesOnlyTheRequestedPrefix()
    {
        var dest = Enumerable.Repeat(ulong.MaxValue, 10).ToArray();
        using var prng = new Blake2xbPrng(UniformRandomGeneratorTests.ReferenceSeed());
        UniformSampler.SamplePolyUniform(prng, [97UL, 101UL], 4, dest);
        Assert.All(dest[..8], v => Assert.True(v < 101));
        Assert.Equal(ulong.MaxValue, dest[8]);
        Assert.Equal(ulong.MaxValue, dest[9]);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        using var prng = new Blake2xbPrng(UniformRandomGeneratorTests.ReferenceSeed());
        Assert.Throws<ArgumentException>(() => UniformSampler.SamplePolyUniform(prng, [97UL], 4, new ulong[3]));
        Assert.Throws<ArgumentException>(() => UniformSampler.SamplePolyUniform(prng, [1UL], 4, new ulong[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => UniformSampler.SamplePolyUniform(prng, [97UL], -1, new ulong[4]));
    }

    [Fact]
    public void BarrettReductionEqualsRemainder()
    {
        ulong[] moduli =
        [
            2, 3, 5, 97, 1UL << 32, (1UL << 32) + 1, 0xFFFFFFFFFFC0001, 1UL << 61, (1UL << 63) - 1,
            1UL << 63, (1UL << 63) + 1, ulong.MaxValue - 1, ulong.MaxValue,
        ];
        var random = new Random(20261124);
        foreach (ulong q in moduli.Concat(Enumerable.Range(0, 200).Select(_ => (ulong)random.NextInt64() | 2)))
        {
            ulong ratio = UniformSampler.BarrettRatio(q);
            ulong[] edges = [0, 1, q - 1, q, q + 1, 2 * q - 1, 2 * q, ulong.MaxValue, ulong.MaxValue - 1, ulong.MaxValue - (ulong.MaxValue % q)];
            foreach (ulong x in edges.Concat(Enumerable.Range(0, 500).Select(_ => (ulong)random.NextInt64() * 3)))
            {
                Assert.Equal(x % q, UniformSampler.Reduce(x, q, ratio));
            }
        }
    }

    [Fact]
    public void DrawsLookUniform()
    {
        const ulong q = 0xFFFFFFFFFFC0001;
        var dest = new ulong[1 << 16];
        using var prng = new Shake256Prng(UniformRandomGeneratorTests.ReferenceSeed());
        UniformSampler.SamplePolyUniform(prng, [q], dest.Length, dest);
        var buckets = new int[16];
        foreach (ulong v in dest)
        {
            buckets[(int)(v / (q / 16 + 1))]++;
        }

        Assert.All(buckets, b => Assert.InRange(b, 3800, 4400));
    }
}
