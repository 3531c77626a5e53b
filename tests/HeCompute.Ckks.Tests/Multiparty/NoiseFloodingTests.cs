using HeCompute.Lattice.Multiparty;
using Xunit.Abstractions;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// The flooding noise: its empirical σ matches the stated σ, the released value's error is what the stated σ predicts,
/// and the statistical-distance bound holds for the tests' computations at the tests' σ. Tolerances come from the sample
/// size: the sample standard deviation of n Gaussian draws has standard error σ/√(2n), their mean σ/√n; six standard
/// errors leave a false failure probability near 10^−9.
/// </summary>
public sealed class NoiseFloodingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1L << 30)]
    [InlineData(1L << 12)]
    [InlineData(3.2)]
    public void The_sampler_draws_the_stated_sigma_within_the_tail_bound(double sigma)
    {
        const int n = 1 << 16;
        ulong[] moduli = [.. Ceremony.Parameters.KeyLevel.Primes];
        var destination = new ulong[moduli.Length * n];
        var raw = new long[n];
        using (var prng = HeCompute.Lattice.Hashing.PrngFactory.CreateRandom())
        {
            PolyOps.SampleGaussian(moduli, n, sigma, prng, destination, raw);
        }


        var mean = raw.Average(v => (double)v);
        var std = Math.Sqrt(raw.Sum(v => ((double)v - mean) * ((double)v - mean)) / (n - 1));
        // Rounding to integers adds variance 1/12 to σ².
        var expected = Math.Sqrt((sigma * sigma) + (1.0 / 12));
        Assert.InRange(mean, -6 * expected / Math.Sqrt(n), 6 * expected / Math.Sqrt(n));
        Assert.InRange(std / expected, 1 - (6 / Math.Sqrt(2.0 * n)), 1 + (6 / Math.Sqrt(2.0 * n)));
        Assert.True(raw.Max(v => Math.Abs((double)v)) <= (NoiseFlooding.TailBound * sigma) + 0.5);

        for (var j = 0; j < moduli.Length; j++)
        {
            for (var i = 0; i < n; i += 997)
            {
                var q = moduli[j];
                var reduced = raw[i] >= 0 ? (ulong)raw[i] % q : (q - ((ulong)(-raw[i]) % q)) % q;
                Assert.Equal(reduced, destination[(j * n) + i]);
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void The_released_error_has_the_stated_sigma_per_coefficient_and_per_slot(int parties)
    {
        using var ceremony = new Ceremony(parties, parties, []);
        var slots = ceremony.Encoder.SlotCount;
        var values = Ceremony.Values(11, slots);
        var ct = ceremony.Encrypt(values);
        var pcks = new PublicKeySwitchProtocol(ceremony.Session, Ceremony.Flooding);
        var released = pcks.Combine(ct, ceremony.QuerierKey, ceremony.DecryptionShares(pcks, ct, null));

        // Coefficient domain: querier's decryption minus the collective secret's decryption of the original is exactly
        // the flooding Σ e0_i plus terms of σ ≈ 3.2·√N, ten orders of magnitude smaller.
        using var querierSecret = ceremony.Querier.SecretKey;
        using var collective = ceremony.CollectiveSecret();
        var difference = CoefficientDifference(released, querierSecret, ct, collective);
        var n = difference.Length;
        var sigma = Math.Sqrt(parties) * Ceremony.Flooding.Sigma;
        var mean = difference.Average();
        var std = Math.Sqrt(difference.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        output.WriteLine($"coefficients: σ measured 2^{Math.Log2(std):F4}, stated 2^{Math.Log2(sigma):F4}");
        Assert.InRange(mean, -6 * sigma / Math.Sqrt(n), 6 * sigma / Math.Sqrt(n));
        Assert.InRange(std / sigma, 1 - (6 / Math.Sqrt(2.0 * n)), 1 + (6 / Math.Sqrt(2.0 * n)));
        Assert.True(difference.Max(Math.Abs) <= parties * NoiseFlooding.TailBound * Ceremony.Flooding.Sigma * 1.001);

        // Slot domain: each slot's real part errs with the stated standard deviation √parties·σ·√(N/2)/scale.
        var decoded = ceremony.QuerierDecrypt(released);
        var errors = decoded.Select((v, i) => v - values[i]).ToArray();
        var slotSigma = Ceremony.Flooding.SlotErrorStandardDeviation(Ceremony.Parameters.PolyModulusDegree, parties, ct.Scale);
        var slotStd = Math.Sqrt(errors.Sum(e => e * e) / slots);
        output.WriteLine($"slots: σ measured {slotStd:E4}, stated {slotSigma:E4}");
        Assert.InRange(slotStd / slotSigma, 1 - (6 / Math.Sqrt(2.0 * slots)), 1 + (6 / Math.Sqrt(2.0 * slots)));
    }

    [Fact]
    public void The_statistical_distance_bound_of_the_tests_sigma_holds_for_their_ciphertexts()
    {
        using var ceremony = new Ceremony(3, 3, Ceremony.SumSteps);
        var x = Ceremony.Values(12, 64);
        var y = Ceremony.Values(13, 64);
        var fresh = ceremony.Encrypt(x);
        var product = ceremony.Product(fresh, ceremony.Encrypt(y));
        var sum = ceremony.SumOf64(product);
        // Rotate-and-add leaves in slot i the sum of the 64 slots from i on, cyclically.
        var slots = ceremony.Encoder.SlotCount;
        var padded = x.Zip(y, (a, b) => a * b).Concat(new double[slots - 64]).ToArray();
        var sumExpected = Enumerable.Range(0, slots).Select(i => Enumerable.Range(0, 64).Sum(k => padded[(i + k) % slots])).ToArray();
        using var collective = ceremony.CollectiveSecret();

        foreach (var (name, ct, expected) in new[] { ("fresh", fresh, x), ("product", product, x.Zip(y, (a, b) => a * b).ToArray()), ("sum of product", sum, sumExpected) })
        {
            var norm = NoiseNorm(ceremony, ct, collective, expected);
            var bound = Ceremony.Flooding.StatisticalDistanceBound(norm);
            output.WriteLine($"{name}: ‖noise‖ = 2^{Math.Log2(norm):F2}, statistical distance ≤ 2^{Math.Log2(bound):F2}");
            // README: the tests' computations have noise ℓ2 norms below 2^20, so σ = 2^30 bounds one release's
            // statistical distance by 2^−11.
            Assert.True(norm < Math.Pow(2, 20), $"{name}: noise norm 2^{Math.Log2(norm)}");
            Assert.True(bound < Math.Pow(2, -11));
        }

        var chosen = NoiseFlooding.ForStatisticalDistance(1 << 10, 40);
        Assert.Equal(Math.Pow(2, 49), chosen.Sigma);
        Assert.Equal(Math.Pow(2, -40), chosen.StatisticalDistanceBound(1 << 10), 1e-25);
        Assert.Equal(Math.Pow(2, -39), chosen.StatisticalDistanceBound(1 << 10, releases: 4), 1e-25);
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseFlooding.ForStatisticalDistance(1 << 15, 60));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseFlooding(0.5));
    }

    /// <summary>‖c‖: the ℓ2 norm of the ciphertext's noise with respect to the exact real values, coefficient domain.</summary>
    private static double NoiseNorm(Ceremony ceremony, Ciphertext ct, SecretKey collective, double[] expected)
    {
        var encoded = new Plaintext();
        ceremony.Encoder.Encode(expected, ct.ParmsId, ct.Scale, encoded);
        var decrypted = new Plaintext();
        new Decryptor(Ceremony.Parameters, collective).Decrypt(ct, decrypted);
        var difference = CenteredFirstLimb(decrypted, encoded, Ceremony.Parameters.GetLevel(ct.ParmsId)!);
        return Math.Sqrt(difference.Sum(v => v * v));
    }

    private static double[] CoefficientDifference(Ciphertext a, SecretKey keyA, Ciphertext b, SecretKey keyB)
    {
        var pa = new Plaintext();
        new Decryptor(Ceremony.Parameters, keyA).Decrypt(a, pa);
        var pb = new Plaintext();
        new Decryptor(Ceremony.Parameters, keyB).Decrypt(b, pb);
        return CenteredFirstLimb(pa, pb, Ceremony.Parameters.GetLevel(a.ParmsId)!);
    }

    /// <summary>(a − b) in coefficient form, centered modulo q_0: exact for differences below q_0/2 (2^59).</summary>
    private static double[] CenteredFirstLimb(Plaintext a, Plaintext b, Level level)
    {
        var n = level.N;
        var q = level.Moduli[0];
        var limb = new ulong[n];
        HeCompute.Lattice.Ring.PolyArith.SubMod(a.Limb(0, n), b.Limb(0, n), limb, q);
        level.Ntt[0].Inverse(limb);
        return limb.Select(v => v > q.Value / 2 ? -(double)(q.Value - v) : v).ToArray();
    }
}
