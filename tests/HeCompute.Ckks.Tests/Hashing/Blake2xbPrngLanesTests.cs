using System.Security.Cryptography;
using HeCompute.Ckks.Hashing;

namespace HeCompute.Ckks.Tests.Hashing;

/// <summary>
/// The vector output-node kernels against the scalar reference path (<see cref="Blake2xb.Hash"/>,
/// which the SEAL stream and official KAT tests pin). Lane counts the machine cannot run are
/// skipped by <see cref="SupportedVectorLanes"/>; run with <c>DOTNET_EnableAVX512=0</c> to
/// exercise the AVX2-only rotations of the 256-bit kernel on an AVX-512 machine.
/// </summary>
public class Blake2xbPrngLanesTests
{
    public static TheoryData<int> SupportedVectorLanes()
    {
        var data = new TheoryData<int>();
        foreach (Blake2xbLanes lanes in new[] { Blake2xbLanes.Vector256, Blake2xbLanes.Vector512 })
        {
            if (Blake2xbOutputNodes.IsSupported(lanes))
            {
                data.Add((int)lanes);
            }
        }

        // Keeps the theory non-empty on machines without either vector kernel.
        data.Add((int)Blake2xbLanes.Scalar);
        return data;
    }

    private static ulong[] Seed(int i) =>
        Enumerable.Range(0, UniformRandomGenerator.SeedWordCount)
            .Select(w => unchecked((ulong)(i + 1) * 0x9E3779B97F4A7C15UL * (ulong)(w + 3)))
            .ToArray();

    [Theory]
    [MemberData(nameof(SupportedVectorLanes))]
    public void MatchesScalarOverManyBlocks(int lanes)
    {
        const int blocks = 40;
        var expected = new byte[blocks * UniformRandomGenerator.BlockByteCount];
        var actual = new byte[expected.Length];
        for (int s = 0; s < 6; s++)
        {
            using (var scalar = new Blake2xbPrng(Seed(s), Blake2xbLanes.Scalar))
            {
                scalar.Generate(expected);
            }

            using (var vector = new Blake2xbPrng(Seed(s), (Blake2xbLanes)lanes))
            {
                Assert.Equal((Blake2xbLanes)lanes, vector.Lanes);
                vector.Generate(actual);
            }

            int firstDifference = expected.AsSpan().CommonPrefixLength(actual);
            Assert.True(firstDifference == expected.Length, $"seed {s}: first difference at byte {firstDifference}");
        }
    }

    [Theory]
    [MemberData(nameof(SupportedVectorLanes))]
    public void MatchesScalarAtLargeCounters(int lanes)
    {
        // Counters whose little-endian bytes fill the whole message word, reached by skipping ahead.
        ulong[] counters = [255, 256, 65_536, 0x0123_4567, 0xFFFF_FFFF, 0x1_0000_0000, ulong.MaxValue >> 8];
        Span<byte> expected = stackalloc byte[UniformRandomGenerator.BlockByteCount];
        Span<byte> actual = stackalloc byte[UniformRandomGenerator.BlockByteCount];
        using var scalar = new Blake2xbPrng(Seed(7), Blake2xbLanes.Scalar);
        using var vector = new Blake2xbPrng(Seed(7), (Blake2xbLanes)lanes);
        foreach (ulong counter in counters)
        {
            scalar.ComputeBlock(counter, expected);
            vector.ComputeBlock(counter, actual);
            Assert.True(expected.SequenceEqual(actual), $"counter {counter}");
        }
    }

    [Fact]
    public void BestIsSupportedAndDefault()
    {
        Assert.True(Blake2xbOutputNodes.IsSupported(Blake2xbOutputNodes.Best));
        using var prng = new Blake2xbPrng(UniformRandomGeneratorTests.ReferenceSeed());
        Assert.Equal(Blake2xbOutputNodes.Best, prng.Lanes);
    }

    [Fact]
    public void UnsupportedLanesAreRejected()
    {
        Assert.Throws<PlatformNotSupportedException>(() => new Blake2xbPrng(Seed(0), (Blake2xbLanes)2));
        Assert.Throws<ArgumentException>(() => Blake2xbOutputNodes.Fill(Blake2xbLanes.Scalar, new byte[64], 4096, new byte[4096]));
        if (Blake2xbOutputNodes.IsSupported(Blake2xbLanes.Vector256))
        {
            Assert.Throws<ArgumentException>(() => Blake2xbOutputNodes.Fill(Blake2xbLanes.Vector256, new byte[63], 4096, new byte[256]));
            Assert.Throws<ArgumentException>(() => Blake2xbOutputNodes.Fill(Blake2xbLanes.Vector256, new byte[64], 4096, new byte[192]));
            Assert.Throws<ArgumentException>(() => Blake2xbOutputNodes.Fill(Blake2xbLanes.Vector256, new byte[64], 128, new byte[256]));
        }
    }

    [Fact]
    public void KernelMatchesBlake2xbForOtherOutputLengths()
    {
        // Fill takes any output length: check it against Blake2xb.Hash beyond the PRNG's 4096.
        byte[] key = RandomNumberGenerator.GetBytes(64);
        byte[] input = RandomNumberGenerator.GetBytes(100);
        foreach (Blake2xbLanes lanes in new[] { Blake2xbLanes.Vector256, Blake2xbLanes.Vector512 })
        {
            if (!Blake2xbOutputNodes.IsSupported(lanes))
            {
                continue;
            }

            foreach (int length in new[] { 512, 1024, 8192 + 512 })
            {
                var expected = new byte[length];
                Blake2xb.Hash(input, expected, key);
                var root = new byte[64];
                var state = default(Blake2bState);
                state.Initialize(Blake2bState.ParameterWord0(64, key.Length, fanout: 1, depth: 1, leafLength: 0), (ulong)length << 32, 0);
                state.AbsorbKey(key);
                state.Update(input);
                state.Final(root);
                var actual = new byte[length];
                Blake2xbOutputNodes.Fill(lanes, root, (uint)length, actual);
                Assert.Equal(expected, actual);
            }
        }
    }
}
