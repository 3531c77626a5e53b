using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;

namespace HeCompute.Lattice.Tests.Hashing;

public class Keccak1600Tests
{
    // FIPS 202 examples (NIST CSRC "SHAKE256" example values): empty message and 200 bytes of 0xA3.
    [Theory]
    [InlineData(0, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be")]
    [InlineData(200, "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d2d700caae7396ece96604440577da4f3aa22aeb8857f961c4cd8e06f0ae6610b")]
    public void Fips202Examples(int a3Count, string expected)
    {
        byte[] message = Enumerable.Repeat((byte)0xA3, a3Count).ToArray();
        var output = new byte[64];
        Keccak1600.Shake256(message, output);
        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void MatchesPlatformShake256AcrossRateBoundaries()
    {
        // Without platform SHAKE256 the fallback is the only implementation; the FIPS examples cover it.
        if (!Shake256.IsSupported)
        {
            return;
        }

        var rng = new Random(3);
        foreach (int inputLength in new[] { 0, 1, 72, 135, 136, 137, 272, 1000 })
        {
            foreach (int outputLength in new[] { 1, 135, 136, 137, 4096 })
            {
                var input = new byte[inputLength];
                rng.NextBytes(input);
                var ours = new byte[outputLength];
                Keccak1600.Shake256(input, ours);
                Assert.Equal(Shake256.HashData(input, outputLength), ours);
            }
        }
    }
}
