namespace HeCompute.Ckks.Tests.Ckks;

public sealed class ParametersTests
{
    [Theory]
    [InlineData(4096, new[] { 40, 40, 30 }, 109)]
    [InlineData(8192, new[] { 60, 60, 60, 39 }, 218)]
    [InlineData(16384, new[] { 60, 60, 60, 60, 60, 60, 60, 60 }, 438)]
    public void ParametersAbove128BitsAreRefusedWithTheLimitNamed(int n, int[] bits, int bound)
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = (ulong)n };
        parms.CoeffModulus = CoeffModulus.Create((ulong)n, bits);
        var context = new SEALContext(parms);
        Assert.Equal(bits.Sum() <= bound, context.ParametersSet());
        if (!context.ParametersSet())
        {
            Assert.Equal(ParameterError.InvalidParametersInsecure, context.KeyContextData.Qualifiers.ParameterError);
            Assert.Contains($"at most {bound} bits", context.ParameterErrorMessage());
            var error = Assert.Throws<InvalidParametersException>(() => new KeyGenerator(context));
            Assert.Contains(bound.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
            Assert.True(new SEALContext(parms, true, SecLevelType.None).ParametersSet());
        }
    }

    [Fact]
    public void ChainDropsOnePrimeAtATimeWithChainIndices()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40, 60]);
        var context = new SEALContext(parms);
        Assert.True(context.ParametersSet());
        Assert.Equal(3UL, context.KeyContextData.ChainIndex);
        Assert.Equal(2UL, context.FirstContextData.ChainIndex);
        Assert.Equal(0UL, context.LastContextData.ChainIndex);
        Assert.Equal(parms.ParmsId, context.KeyParmsId);
        var level = context.KeyContextData;
        for (var primes = 4; primes >= 1; primes--)
        {
            Assert.NotNull(level);
            Assert.Equal(primes, level!.Parms.CoeffModulus.Count());
            Assert.Same(level, context.GetContextData(level.ParmsId));
            level = level.NextContextData;
        }

        Assert.Null(level);
        Assert.True(context.UsingKeyswitching);
    }

    [Fact]
    public void CreatePicksDistinctPrimesCongruentToOneModuloTwoN()
    {
        var primes = CoeffModulus.Create(16384, [60, 40, 40, 40, 40, 40, 40, 60]).Select(m => m.Value).ToArray();
        Assert.Equal(primes.Length, primes.Distinct().Count());
        Assert.All(primes, p => Assert.Equal(1UL, p % 32768));
        Assert.Equal(60, new Modulus(primes[0]).BitCount);
        // SEAL hands out the smaller of two equal-size primes first.
        Assert.True(primes[0] < primes[^1]);
    }

    [Fact]
    public void InvalidParametersGiveTheirReason()
    {
        var parms = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        parms.CoeffModulus = [new Modulus(1UL << 40)];
        Assert.Equal(ParameterError.InvalidCoeffModulusNonPrime, new SEALContext(parms).KeyContextData.Qualifiers.ParameterError);
        parms.CoeffModulus = [CoeffModulus.Create(4096, [40, 40, 40, 40]).First(m => m.Value % 16384 != 1)];
        Assert.Equal(ParameterError.InvalidCoeffModulusNoNtt, new SEALContext(parms).KeyContextData.Qualifiers.ParameterError);
        var bfv = new EncryptionParameters(SchemeType.BFV) { PolyModulusDegree = 4096 };
        Assert.Equal(ParameterError.InvalidScheme, new SEALContext(bfv).KeyContextData.Qualifiers.ParameterError);
        Assert.Throws<ArgumentException>(() => CoeffModulus.Create(8192, [61]));
        Assert.Throws<InvalidOperationException>(() => new EncryptionParameters(SchemeType.CKKS).PlainModulus = new Modulus(257));
    }

    [Fact]
    public void ParmsIdChangesWithEveryParameter()
    {
        var a = new EncryptionParameters(SchemeType.CKKS) { PolyModulusDegree = 8192 };
        a.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 60]);
        var b = new EncryptionParameters(a);
        Assert.Equal(a.ParmsId, b.ParmsId);
        b.CoeffModulus = CoeffModulus.Create(8192, [60, 40, 40]);
        Assert.NotEqual(a.ParmsId, b.ParmsId);
        Assert.Equal(a.ParmsId, ParmsId.Parse(a.ParmsId.ToString()));
    }
}
