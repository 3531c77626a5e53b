using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

/// <summary>
/// The vector kernels of <see cref="Blake2xbPrng"/> against its scalar path, which is
/// <see cref="Blake2xb.Hash"/> per block as pinned by the SEAL stream and official KAT tests.
/// Lane counts the machine cannot run are left out of <see cref="SupportedVectorLanes"/>; run
/// with <c>DOTNET_EnableAVX512=0</c> to exercise the AVX2-only rotations of the 256-bit kernels
/// on an AVX-512 machine.
/// </summary>
public class Blake2xbPrngLanesTests
{
    private const int Block = UniformRandomGenerator.BlockByteCount;

    public static TheoryData<int> SupportedVectorLanes()
    {
        var data = new TheoryData<int>();
        foreach (Blake2xbLanes lanes in VectorLanesHere())
        {
            data.Add((int)lanes);
        }

        // Keeps the theory non-empty on machines without either vector kernel.
        data.Add((int)Blake2xbLanes.Scalar);
        return data;
    }

    private static Blake2xbLanes[] VectorLanesHere() =>
        new[] { Blake2xbLanes.Vector256, Blake2xbLanes.Vector512 }.Where(Blake2xbLaneKernels.IsSupported).ToArray();

    private static ulong[] Seed(int i) =>
        Enumerable.Range(0, UniformRandomGenerator.SeedWordCount)
            .Select(w => unchecked((ulong)(i + 1) * 0x9E3779B97F4A7C15UL * (ulong)(w + 3)))
            .ToArray();

    private static void AssertSameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int same = expected.CommonPrefixLength(actual);
        Assert.True(same == expected.Length, $"{what}: first difference at byte {same} (block {same / Block})");
    }

    [Theory]
    [MemberData(nameof(SupportedVectorLanes))]
    public void MatchesScalarOverManyBlocks(int lanes)
    {
        // 43 blocks in one request: whole lane groups of roots, then a partial group, for 8 and 4 lanes.
        var expected = new byte[43 * Block];
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

            AssertSameBytes(expected, actual, $"seed {s}");
        }
    }

    [Theory]
    [MemberData(nameof(SupportedVectorLanes))]
    public void MatchesScalarWhateverTheRequestSizes(int lanes)
    {
        // Requests that start mid-block, end mid-block, span 1..9 whole blocks, and single words,
        // so every route through Generate (buffered block, single block, root lane groups) is taken.
        int[] sizes = [5, Block - 5, 9 * Block, 1, 2 * Block - 1, Block, 1, 3 * Block + 17, 8, 7 * Block, 5 * Block + 4091];
        int total = sizes.Sum() + 8 * 100;
        var expected = new byte[total];
        using (var scalar = new Blake2xbPrng(Seed(11), Blake2xbLanes.Scalar))
        {
            scalar.Generate(expected);
        }

        var actual = new byte[total];
        using var vector = new Blake2xbPrng(Seed(11), (Blake2xbLanes)lanes);
        int offset = 0;
        foreach (int size in sizes)
        {
            vector.Generate(actual.AsSpan(offset, size));
            offset += size;
        }

        for (int i = 0; i < 100; i++, offset += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(actual.AsSpan(offset), vector.NextUInt64());
        }

        AssertSameBytes(expected, actual, "stream");
    }

    [Theory]
    [MemberData(nameof(SupportedVectorLanes))]
    public void MatchesScalarAtLargeCounters(int lanes)
    {
        // Counters whose little-endian bytes fill the whole message word, reached by skipping ahead.
        ulong[] counters = [255, 256, 65_536, 0x0123_4567, 0xFFFF_FFFF, 0x1_0000_0000, ulong.MaxValue >> 8, ulong.MaxValue];
        Span<byte> expected = stackalloc byte[Block];
        Span<byte> actual = stackalloc byte[Block];
        using var scalar = new Blake2xbPrng(Seed(7), Blake2xbLanes.Scalar);
        using var vector = new Blake2xbPrng(Seed(7), (Blake2xbLanes)lanes);
        foreach (ulong counter in counters)
        {
            scalar.ComputeBlock(counter, expected);
            vector.ComputeBlock(counter, actual);
            AssertSameBytes(expected, actual, $"counter {counter}");
        }
    }

    [Fact]
    public void RootKernelMatchesScalarRootsAcrossCounterWrap()
    {
        byte[] key = RandomNumberGenerator.GetBytes(UniformRandomGenerator.SeedByteCount);
        var keyed = default(Blake2bState);
        keyed.Initialize(Blake2bState.ParameterWord0(64, key.Length, fanout: 1, depth: 1, leafLength: 0), (ulong)Block << 32, 0);
        keyed.AbsorbKey(key);
        keyed.CompressFullBuffer();
        var setup = new Blake2xbLaneKernels.CounterRootSetup(keyed);

        foreach (Blake2xbLanes lanes in VectorLanesHere())
        {
            foreach (ulong first in new[] { 0UL, 12_345UL, uint.MaxValue - 2UL, ulong.MaxValue - 2 })
            {
                var actual = new byte[(int)lanes * 64];
                Blake2xbLaneKernels.ComputeRoots(lanes, setup, first, actual);
                for (int k = 0; k < (int)lanes; k++)
                {
                    // The same root Blake2xb.Hash computes for a keyed 8-byte message.
                    var expected = new byte[64];
                    var message = new byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(message, unchecked(first + (ulong)k));
                    var state = default(Blake2bState);
                    state.Initialize(Blake2bState.ParameterWord0(64, key.Length, fanout: 1, depth: 1, leafLength: 0), (ulong)Block << 32, 0);
                    state.AbsorbKey(key);
                    state.Update(message);
                    state.Final(expected);
                    AssertSameBytes(expected, actual.AsSpan(k * 64, 64), $"{lanes}, counter {first} + {k}");
                }
            }
        }
    }

    [Fact]
    public void NodeKernelMatchesBlake2xbForOtherOutputLengths()
    {
        byte[] key = RandomNumberGenerator.GetBytes(64);
        byte[] input = RandomNumberGenerator.GetBytes(100);
        foreach (Blake2xbLanes lanes in VectorLanesHere())
        {
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
                Blake2xbLaneKernels.FillNodes(lanes, root, (uint)length, actual);
                AssertSameBytes(expected, actual, $"{lanes}, length {length}");
            }
        }
    }

    [Fact]
    public void UniformSamplerDrawIsUnchanged()
    {
        // A 3-prime N=8192 draw (196,608 bytes in one request, then redraws word by word).
        // The digest and next word were recorded with the scalar-only generator that preceded the
        // vector kernels; every lane count must reproduce them.
        ulong[] moduli = [0xFFFFFFFFFFC0001UL, 0x7FFFFFD8001UL, 0xFFFFFFFC001UL];
        const int n = 8192;
        var lanesToTest = VectorLanesHere().Prepend(Blake2xbLanes.Scalar).ToArray();
        foreach (Blake2xbLanes lanes in lanesToTest)
        {
            var dest = new ulong[moduli.Length * n];
            using var prng = new Blake2xbPrng(UniformRandomGeneratorTests.ReferenceSeed(), lanes);
            UniformSampler.SamplePolyUniform(prng, moduli, n, dest);
            byte[] bytes = new byte[dest.Length * sizeof(ulong)];
            for (int i = 0; i < dest.Length; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), dest[i]);
            }

            Assert.Equal("3e8a90acf816ca40d852958c2e05708f65c86b8ee4e25ab4dfc78c1bac228efd", Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(729900871932824567UL, prng.NextUInt64());
        }
    }

    [Fact]
    public void BestIsSupportedAndDefault()
    {
        Assert.True(Blake2xbLaneKernels.IsSupported(Blake2xbLaneKernels.Best));
        using var prng = new Blake2xbPrng(UniformRandomGeneratorTests.ReferenceSeed());
        Assert.Equal(Blake2xbLaneKernels.Best, prng.Lanes);
    }

    [Fact]
    public void UnsupportedLanesAndBadSizesAreRejected()
    {
        Assert.Throws<PlatformNotSupportedException>(() => new Blake2xbPrng(Seed(0), (Blake2xbLanes)2));
        Assert.Throws<ArgumentException>(() => Blake2xbLaneKernels.FillNodes(Blake2xbLanes.Scalar, new byte[64], 4096, new byte[4096]));
        Assert.Throws<ArgumentException>(() => new Blake2xbLaneKernels.CounterRootSetup(default));
        foreach (Blake2xbLanes lanes in VectorLanesHere())
        {
            int group = (int)lanes * 64;
            Assert.Throws<ArgumentException>(() => Blake2xbLaneKernels.FillNodes(lanes, new byte[63], 4096, new byte[group]));
            Assert.Throws<ArgumentException>(() => Blake2xbLaneKernels.FillNodes(lanes, new byte[64], 4096, new byte[group - 64]));
            Assert.Throws<ArgumentException>(() => Blake2xbLaneKernels.FillNodes(lanes, new byte[64], 128, new byte[group]));
            Assert.Throws<ArgumentException>(() => Blake2xbLaneKernels.ComputeRoots(lanes, default, 0, new byte[group + 64]));
        }
    }
}
