using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

/// <summary>
/// Reference values come from SEAL 4.4.3's own blake2xb.c / fips202.c compiled unmodified and driven
/// the way randomgen.cpp's refill_buffer drives them (4096-byte blocks, 64-bit counter from 0).
/// </summary>
public class UniformRandomGeneratorTests
{
    internal static ulong[] ReferenceSeed() =>
        Enumerable.Range(1, 8).Select(i => unchecked(0x0123456789ABCDEFUL * (ulong)i)).ToArray();

    private static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Theory]
    [InlineData((byte)PrngType.Blake2xb,
        "3056510ba5f02336722d1a0c0c2c64259446a64d7c7094064078210b2cd857ae",
        "005c27689dbe2795b3ca1c91c15a1ed7",
        "6b97d8a6f70c0b0356d5cefa3dff0b9d4c17e0925d055257631ce88c7c9b7d3e")]
    [InlineData((byte)PrngType.Shake256,
        "0a10055dc94e6a737caa65fefca20be92d0d11741c17cc9f1bf943fc9c21f83e",
        "adbcb4238ebd0945192943c937c27114",
        "250ee2d6d7560d9c0c7efefb19eb8e9c25a65785154aff90b3bb2090032af898")]
    public void StreamMatchesSeal(byte prngType, string first32, string block1First16, string sha256Of3Blocks)
    {
        var type = (PrngType)prngType;
        using UniformRandomGenerator prng = PrngFactory.Create(type, ReferenceSeed());
        Assert.Equal(type, prng.Type);
        var stream = new byte[3 * UniformRandomGenerator.BlockByteCount];
        prng.Generate(stream);
        Assert.Equal(first32, Convert.ToHexStringLower(stream.AsSpan(0, 32)));
        Assert.Equal(block1First16, Convert.ToHexStringLower(stream.AsSpan(4096, 16)));
        Assert.Equal(sha256Of3Blocks, Sha256Hex(stream));
    }

    [Theory]
    [InlineData((byte)PrngType.Blake2xb)]
    [InlineData((byte)PrngType.Shake256)]
    public void ChunkingDoesNotChangeTheStream(byte prngType)
    {
        var type = (PrngType)prngType;
        var whole = new byte[3 * UniformRandomGenerator.BlockByteCount];
        using (UniformRandomGenerator prng = PrngFactory.Create(type, ReferenceSeed()))
        {
            prng.Generate(whole);
        }

        var pieces = new byte[whole.Length];
        using (UniformRandomGenerator prng = PrngFactory.Create(type, ReferenceSeed()))
        {
            int offset = 0;
            int step = 1;
            while (offset + 8 <= pieces.Length)
            {
                if (step % 3 == 0)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(pieces.AsSpan(offset), prng.NextUInt64());
                    offset += 8;
                }
                else
                {
                    int take = Math.Min(step * 37 % 5000, pieces.Length - offset);
                    prng.Generate(pieces.AsSpan(offset, take));
                    offset += take;
                }

                step++;
            }

            prng.Generate(pieces.AsSpan(offset));
        }

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void NextUInt64StraddlingABlockBoundaryIsLittleEndian()
    {
        var stream = new byte[4100];
        using (var prng = new Blake2xbPrng(ReferenceSeed()))
        {
            prng.Generate(stream);
        }

        using var straddling = new Blake2xbPrng(ReferenceSeed());
        straddling.Generate(new byte[4092]);
        Assert.Equal(BitConverter.ToUInt64(stream, 4092), straddling.NextUInt64());
    }

    [Fact]
    public void SeedIsKeptAndWipedOnDispose()
    {
        var prng = new Shake256Prng(ReferenceSeed());
        Assert.Equal(ReferenceSeed(), prng.Seed.ToArray());
        prng.Dispose();
        Assert.Throws<ObjectDisposedException>(() => prng.Seed.Length);
        Assert.Throws<ObjectDisposedException>(() => prng.Generate(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => prng.NextUInt64());
        prng.Dispose();
    }

    [Fact]
    public void FactoryRejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => PrngFactory.Create(PrngType.Unknown, ReferenceSeed()));
        Assert.Throws<ArgumentException>(() => PrngFactory.Create((PrngType)3, ReferenceSeed()));
        Assert.Throws<ArgumentException>(() => PrngFactory.Create(PrngType.Blake2xb, new ulong[7]));
        Assert.Throws<ArgumentException>(() => PrngFactory.NewRandomSeed(new ulong[9]));
    }

    [Fact]
    public void RandomSeedsDiffer()
    {
        var a = new ulong[8];
        var b = new ulong[8];
        PrngFactory.NewRandomSeed(a);
        PrngFactory.NewRandomSeed(b);
        Assert.NotEqual(a, b);
        using UniformRandomGenerator prng = PrngFactory.CreateRandom();
        Assert.Equal(PrngType.Blake2xb, prng.Type);
    }

    [Fact]
    public void EnumValuesMatchSeal()
    {
        Assert.Equal(0, (byte)PrngType.Unknown);
        Assert.Equal(1, (byte)PrngType.Blake2xb);
        Assert.Equal(2, (byte)PrngType.Shake256);
    }
}
