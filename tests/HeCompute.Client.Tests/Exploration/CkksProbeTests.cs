using HeCompute.Client.Exploration;

namespace HeCompute.Client.Tests.Exploration;

public sealed class CkksProbeTests
{
    [Theory]
    [InlineData(4096, 109, 75, 58)]
    [InlineData(8192, 218, 152, 118)]
    [InlineData(16384, 438, 305, 237)]
    [InlineData(32768, 881, 611, 476)]
    public void Bounds_are_the_homomorphic_encryption_standards(int n, int bits128, int bits192, int bits256)
    {
        var bound = CkksProbe.Bound(n);
        Assert.Equal(new SecurityBound(n, n / 2, bits128, bits192, bits256), bound);
    }

    [Fact]
    public void Precision_grows_with_the_scale_and_is_measured_against_double_precision()
    {
        var low = CkksProbe.MeasurePrecision(8192, 25, 2);
        var high = CkksProbe.MeasurePrecision(8192, 40, 2);

        // Public-key encryption noise is about N·σ ≈ 2^16–2^18 before scaling (measured s − 16 … s − 18 bits, varying with
        // the random key); each bit of scale buys a bit.
        Assert.InRange(low.PrecisionBits, 4, 12);
        Assert.InRange(high.PrecisionBits, 19, 27);
        Assert.InRange(high.PrecisionBits - low.PrecisionBits, 11, 19);
        Assert.True(high.MeanAbsError < high.MaxAbsError);
        Assert.Equal([45, 25, 25, 45], low.Chain);
    }

    [Fact]
    public void Chains_past_the_128_bit_bound_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => CkksProbe.MeasurePrecision(4096, 40, 2));
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_follow_the_ring_and_the_chain()
    {
        var sizes = CkksProbe.MeasureSizes(8192, 40, 2);
        const long polynomial = 8192L * 8;

        // Full ciphertext: two polynomials per data prime (3 data primes); the seeded form stores one and a seed.
        Assert.InRange(sizes.CiphertextFresh, 2 * 3 * polynomial, (2 * 3 * polynomial) + 256);
        Assert.InRange(sizes.CiphertextSeeded, 3 * polynomial, (3 * polynomial) + 256);
        Assert.InRange(sizes.CiphertextLastLevel, 2 * polynomial, (2 * polynomial) + 256);
        Assert.InRange(sizes.PublicKey, 2 * 4 * polynomial, (2 * 4 * polynomial) + 256);

        // SEAL's default Galois keys: ±2^i for i < log2(N/2) = 12 (±2^11 = ±slots/2 is one element), and conjugation.
        Assert.Equal((2 * 12) - 1 + 1, sizes.GaloisKeysDefaultCount);
        // Every Galois key is one key-switching key, as large as the relinearization key; SEAL's GaloisKeys also
        // write one (empty) entry per possible Galois element index, 8 bytes each, N/2 − 1 of them.
        Assert.InRange(sizes.GaloisKeyOneStep - sizes.RelinKeys, polynomial - 64, polynomial + 64);
        Assert.InRange(sizes.GaloisKeysDefault - (24 * sizes.RelinKeys), polynomial - (24 * 64), polynomial + 64);
    }
}
