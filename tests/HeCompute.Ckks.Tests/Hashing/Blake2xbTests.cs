using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

public class Blake2xbTests
{
    private static byte[] Sequence(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    // Official keyed BLAKE2Xb KAT (BLAKE2 reference testvectors/blake2-kat.json):
    // key 00..3f, input 00..ff (256 bytes), output length varies.
    [Theory]
    [InlineData(1, "64")]
    [InlineData(2, "f457")]
    [InlineData(64, "4324561d76c370ef35ac36a4adf8f3773a50d86504bd284f71f7ce9e2bc4c1f1d34a7fb2d67561d101955d448b67577eb30dfee96a95c7f921ef53e20be8bc44")]
    [InlineData(65, "78f0ed6e220b3da3cc9381563b2f72c8dc830cb0f39a48c6ae479a6a78dcfa94002631dec467e9e9b47cc8f0887eb680e340aec3ec009d4a33d241533c76c8ca8c")]
    [InlineData(128, "2d7dc80c19a1d12d5fe3963569547a5d1d3e821e6f06c5d5e2c09401f946c9f7e13cd019f2f9a878b62dd850453b6294b99ccaa068e542993524b0f63832d48e865be31e8ec1ee103c718340c904b32efb69170b67f038d50a3252794b1b4076c0620621ab3d91215d55ffea99f23d54e161a90d8d4902fda5931d9f6a27146a")]
    [InlineData(256, "1e9b2c454e9de3a2d723d850331037dbf54133dbe27488ff757dd255833a27d8eb8a128ad12d0978b6884e25737086a704fb289aaaccf930d5b582ab4df1f55f0c429b6875edec3fe45464fa74164be056a55e243c4222c586bec5b18f39036aa903d98180f24f83d09a454dfa1e03a60e6a3ba4613e99c35f874d790174ee48a557f4f021ade4d1b278d7997ef094569b37b3db0505951e9ee8400adaea275c6db51b325ee730c69df97745b556ae41cd98741e28aa3a49544541eeb3da1b1e8fa4e8e9100d66dd0c7f5e2c271b1ecc077de79c462b9fe4c273543ecd82a5bea63c5acc01eca5fb780c7d7c8c9fe208ae8bd50cad1769693d92c6c8649d20d8")]
    public void OfficialKeyedKat(int outputLength, string expected)
    {
        var output = new byte[outputLength];
        Blake2xb.Hash(Sequence(256), output, Sequence(64));
        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void OutputLengthChangesEveryByte()
    {
        var short64 = new byte[64];
        var long128 = new byte[128];
        Blake2xb.Hash("abc"u8, short64);
        Blake2xb.Hash("abc"u8, long128);
        Assert.NotEqual(short64, long128[..64]);
    }

    [Fact]
    public void RejectsEmptyOutputAndLongKey()
    {
        Assert.Throws<ArgumentException>(() => Blake2xb.Hash([], []));
        Assert.Throws<ArgumentException>(() => Blake2xb.Hash([], new byte[8], new byte[65]));
    }
}
