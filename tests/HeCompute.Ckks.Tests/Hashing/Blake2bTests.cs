using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

public class Blake2bTests
{
    private static byte[] Sequence(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public void Rfc7693AppendixA_Abc()
    {
        var output = new byte[64];
        Blake2b.Hash("abc"u8, output);
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Hex(output));
    }

    [Fact]
    public void EmptyInputUnkeyed()
    {
        var output = new byte[64];
        Blake2b.Hash([], output);
        Assert.Equal(
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419" +
            "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
            Hex(output));
    }

    // Official keyed KAT (BLAKE2 reference testvectors/blake2-kat.json): key 00..3f, input 00..(n-1).
    [Theory]
    [InlineData(0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568")]
    [InlineData(1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd")]
    [InlineData(2, "da2cfbe2d8409a0f38026113884f84b50156371ae304c4430173d08a99d9fb1b983164a3770706d537f49e0c916d9f32b95cc37a95b99d857436f0232c88a965")]
    [InlineData(127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb")]
    [InlineData(128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4")]
    [InlineData(255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461")]
    public void OfficialKeyedKat(int inputLength, string expected)
    {
        var output = new byte[64];
        Blake2b.Hash(Sequence(inputLength), output, Sequence(64));
        Assert.Equal(expected, Hex(output));
    }

    [Fact]
    public void ShortDigestIsNotATruncation()
    {
        // The digest length is part of the parameter block, so BLAKE2b-256 differs from BLAKE2b-512[..32].
        var full = new byte[64];
        var short32 = new byte[32];
        Blake2b.Hash("abc"u8, full);
        Blake2b.Hash("abc"u8, short32);
        Assert.Equal("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", Hex(short32));
        Assert.NotEqual(Hex(full.AsSpan(0, 32)), Hex(short32));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    public void HashWordsEqualsHashOfLittleEndianBytes(int wordCount)
    {
        ulong[] words = Enumerable.Range(0, wordCount).Select(i => 0x0123456789ABCDEFUL * (ulong)(i + 1)).ToArray();
        byte[] bytes = new byte[wordCount * 8];
        for (int i = 0; i < wordCount; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), words[i]);
        }

        var viaWords = new byte[32];
        var viaBytes = new byte[32];
        Blake2b.HashWords(words, viaWords);
        Blake2b.Hash(bytes, viaBytes);
        Assert.Equal(viaBytes, viaWords);
    }

    [Fact]
    public void HashWordsKnownValue()
    {
        // BLAKE2b-256 of the 16 little-endian bytes of {1, 2}, as SEAL computes parms_id-style hashes.
        var output = new byte[32];
        Blake2b.HashWords([1UL, 2UL], output);
        var expected = new byte[32];
        Blake2b.Hash(Convert.FromHexString("01000000000000000200000000000000"), expected);
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void RejectsBadOutputLength(int length)
    {
        Assert.Throws<ArgumentException>(() => Blake2b.Hash([], new byte[length]));
        Assert.Throws<ArgumentException>(() => Blake2b.HashWords([], new byte[length]));
    }

    [Fact]
    public void RejectsOversizedKey()
    {
        Assert.Throws<ArgumentException>(() => Blake2b.Hash([], new byte[64], new byte[65]));
    }
}
