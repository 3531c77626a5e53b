using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Tests.Multiparty;

/// <summary>
/// The collective keys work as ordinary keys: the collective public key encrypts, the relinearization keys relinearize,
/// the Galois keys rotate, and a release to a querier decrypts to the double-precision result within the stated bound.
/// </summary>
public sealed class CollectiveKeysTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Mean_variance_and_covariance_under_collective_keys_are_released_to_the_querier_within_the_bound(int parties)
    {
        using var ceremony = new Ceremony(parties, parties, Ceremony.SumSteps);
        var x = Ceremony.Values(1, 64);
        var y = Ceremony.Values(2, 64);
        var ctX = ceremony.Encrypt(x);
        var ctY = ceremony.Encrypt(y);

        var sumX = ceremony.SumOf64(ctX);
        var xy = ceremony.Product(ctX, ctY);
        var sumXY = ceremony.SumOf64(xy);
        var sumXX = ceremony.SumOf64(ceremony.Product(ctX, ctX));

        var releasedXY = ceremony.Release(xy);
        var bound = ceremony.ReleaseBound(xy, parties);
        for (var i = 0; i < 64; i++)
        {
            Assert.True(Math.Abs(releasedXY[i] - (x[i] * y[i])) <= bound, $"slot {i}: {releasedXY[i]} vs {x[i] * y[i]} (bound {bound})");
        }

        for (var i = 64; i < 128; i++)
        {
            Assert.True(Math.Abs(releasedXY[i]) <= bound, $"empty slot {i}: {releasedXY[i]}");
        }

        var sx = ceremony.Release(sumX)[0];
        var sxy = ceremony.Release(sumXY)[0];
        var sxx = ceremony.Release(sumXX)[0];
        Assert.InRange(sx - x.Sum(), -ceremony.ReleaseBound(sumX, parties), ceremony.ReleaseBound(sumX, parties));
        Assert.InRange(sxy - x.Zip(y, (a, b) => a * b).Sum(), -ceremony.ReleaseBound(sumXY, parties), ceremony.ReleaseBound(sumXY, parties));
        Assert.InRange(sxx - x.Sum(v => v * v), -ceremony.ReleaseBound(sumXX, parties), ceremony.ReleaseBound(sumXX, parties));

        // The statistics follow from the released sums; their error is at most the sums' bounds propagated.
        var mean = x.Average();
        var variance = x.Average(v => v * v) - (mean * mean);
        var covariance = x.Zip(y, (a, b) => a * b).Average() - (mean * y.Average());
        var statisticBound = 3 * ceremony.ReleaseBound(sumXX, parties) / 64;
        Assert.InRange((sx / 64) - mean, -statisticBound, statisticBound);
        Assert.InRange((sxx / 64) - ((sx / 64) * (sx / 64)) - variance, -statisticBound, statisticBound);
        Assert.InRange((sxy / 64) - ((sx / 64) * y.Average()) - covariance, -statisticBound, statisticBound);
    }

    [Fact]
    public void Collective_keys_are_ordinary_keys_of_the_same_shape_as_the_key_generators()
    {
        using var ceremony = new Ceremony(3, 3, [1, -1]);
        using var single = new KeyGenerator(Ceremony.Parameters);
        Assert.Equal(Ceremony.Parameters.KeyParmsId, ceremony.PublicKey.ParmsId);
        Assert.True(ceremony.PublicKey.Data.IsNTTForm);
        Assert.Equal(single.CreatePublicKey().SaveSize(CompressionMode.None), ceremony.PublicKey.SaveSize(CompressionMode.None));
        Assert.Equal(single.CreateRelinKeys().SaveSize(CompressionMode.None), ceremony.RelinKeys.SaveSize(CompressionMode.None));
        Assert.Equal(single.CreateGaloisKeys(new[] { 1, -1 }).SaveSize(CompressionMode.None), ceremony.GaloisKeys.SaveSize(CompressionMode.None));
        Assert.Equal(new GaloisKeyProtocol(ceremony.Session).ElementsOf([1, -1]).Order(), ceremony.GaloisKeys.GaloisElements.Order());

        // Saved and loaded back by the ordinary loaders, the keys still work (an encryption under the reloaded public key decrypts under Σ s_i).
        var reloaded = new PublicKey();
        using (var stream = new MemoryStream())
        {
            ceremony.PublicKey.Save(stream);
            stream.Position = 0;
            reloaded.Load(Ceremony.Parameters, stream);
        }

        var relin = new RelinKeys();
        using (var stream = new MemoryStream())
        {
            ceremony.RelinKeys.Save(stream);
            stream.Position = 0;
            relin.Load(Ceremony.Parameters, stream);
        }

        var values = Ceremony.Values(3, 32);
        var plain = new Plaintext();
        ceremony.Encoder.Encode(values, Ceremony.Scale, plain);
        var ct = new Ciphertext();
        new Encryptor(Ceremony.Parameters, reloaded).Encrypt(plain, ct);
        var squared = new Ciphertext();
        ceremony.Evaluator.Square(ct, squared);
        ceremony.Evaluator.RelinearizeInplace(squared, relin);
        ceremony.Evaluator.RescaleToNextInplace(squared);
        using var collective = ceremony.CollectiveSecret();
        var decrypted = ceremony.Decrypt(squared, collective);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.InRange(decrypted[i] - (values[i] * values[i]), -1e-6, 1e-6);
        }
    }

    [Fact]
    public void The_common_reference_string_is_reproducible_from_the_seed_and_distinct_per_key()
    {
        var seed = new byte[CommonReference.SeedBytes];
        seed[0] = 7;
        var level = Ceremony.Parameters.KeyLevel;
        var words = level.CoeffModulusSize * level.N;
        var a = new ulong[words];
        var b = new ulong[words];
        var c = new ulong[words];
        new CommonReference(seed).Sample(level, CrsPurpose.GaloisKey, 3, 1, a);
        new CommonReference(seed).Sample(level, CrsPurpose.GaloisKey, 3, 1, b);
        new CommonReference(seed).Sample(level, CrsPurpose.GaloisKey, 3, 0, c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Throws<ArgumentException>(() => new CommonReference(new byte[32]));

        // Sessions from the same seed expand the same public-key polynomial a, whatever else differs (here the party
        // count, hence the session id and every party's noise).
        using var first = new KeyGenerator(Ceremony.Parameters);
        using var firstSecret = first.SecretKey;
        var two = new PublicKeyProtocol(new MultipartySession(Ceremony.Parameters, new CommonReference(seed), 2));
        var three = new PublicKeyProtocol(new MultipartySession(Ceremony.Parameters, new CommonReference(seed), 3));
        var key2 = two.Combine([two.GenerateShare(firstSecret, 0), two.GenerateShare(firstSecret, 1)]);
        var key3 = three.Combine([three.GenerateShare(firstSecret, 0), three.GenerateShare(firstSecret, 1), three.GenerateShare(firstSecret, 2)]);
        Assert.Equal(key2.Data.Poly(1).ToArray(), key3.Data.Poly(1).ToArray());
        Assert.NotEqual(key2.Data.Poly(0).ToArray(), key3.Data.Poly(0).ToArray());
    }
}
