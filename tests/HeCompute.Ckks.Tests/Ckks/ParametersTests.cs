namespace HeCompute.Lattice.Tests.Ckks;

public sealed class ParametersTests
{
    [Theory]
    [InlineData(4096, new[] { 40, 40, 30 }, 109)]
    [InlineData(8192, new[] { 60, 60, 60, 39 }, 218)]
    [InlineData(16384, new[] { 60, 60, 60, 60, 60, 60, 60, 60 }, 438)]
    public void ParametersAbove128BitsAreRefusedWithTheLimitNamed(int n, int[] bits, int bound)
    {
        var parms = new ParametersLiteral(n, CoeffModulus.Create(n, bits));
        var secure = bits.Sum() <= bound;
        Assert.Equal(secure ? ParameterError.Success : ParameterError.InvalidParametersInsecure, Parameters.Validate(parms, out var message));
        if (!secure)
        {
            Assert.Contains($"at most {bound} bits", message);
            var error = Assert.Throws<InvalidParametersException>(() => Parameters.Create(parms));
            Assert.Equal(ParameterError.InvalidParametersInsecure, error.Error);
            Assert.Contains(bound.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
            Assert.Equal(SecurityLevel.None, Parameters.Create(parms with { Security = SecurityLevel.None }).Security);
        }
        else
        {
            Assert.Equal("valid", message);
            Assert.Equal(n, Parameters.Create(parms).PolyModulusDegree);
        }
    }

    [Fact]
    public void HigherSecurityLevelsHaveLowerBounds()
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        Assert.Equal(ParameterError.Success, Parameters.Validate(parms, out _));
        Assert.Equal(ParameterError.InvalidParametersInsecure, Parameters.Validate(parms with { Security = SecurityLevel.Tc192 }, out var message));
        Assert.Contains("at most 152 bits", message);
    }

    [Fact]
    public void ChainDropsOnePrimeAtATimeWithChainIndices()
    {
        var parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        var context = Parameters.Create(parms);
        Assert.Equal(3, context.KeyLevel.ChainIndex);
        Assert.Equal(2, context.FirstLevel.ChainIndex);
        Assert.Equal(0, context.LastLevel.ChainIndex);
        Assert.Equal(parms.ParmsId, context.KeyParmsId);
        Assert.Null(context.KeyLevel.Previous);
        var level = context.KeyLevel;
        for (var primes = 4; primes >= 1; primes--)
        {
            Assert.NotNull(level);
            Assert.Equal(primes, level!.PrimeCount);
            Assert.Equal(parms.CoefficientPrimes.Take(primes), level.Primes);
            Assert.Same(level, context.GetLevel(level.ParmsId));
            level = level.Next;
        }

        Assert.Null(level);
        Assert.True(context.SupportsKeySwitching);
        Assert.Null(context.GetLevel(ParmsId.Zero));
    }

    [Fact]
    public void TheLiteralIsCopiedSoParametersStayImmutable()
    {
        var primes = CoeffModulus.Create(8192, [60, 40, 40, 60]);
        var context = Parameters.Create(new ParametersLiteral(8192, primes));
        var keyParmsId = context.KeyParmsId;
        primes[1] = primes[2];
        Assert.Equal(keyParmsId, context.KeyParmsId);
        Assert.Equal(keyParmsId, context.Literal.ParmsId);
    }

    [Fact]
    public void CreatePicksDistinctPrimesCongruentToOneModuloTwoN()
    {
        var primes = CoeffModulus.Create(16384, [60, 40, 40, 40, 40, 40, 40, 60]);
        Assert.Equal(primes.Length, primes.Distinct().Count());
        Assert.All(primes, p => Assert.Equal(1UL, p % 32768));
        Assert.Equal(60, 64 - System.Numerics.BitOperations.LeadingZeroCount(primes[0]));
        // SEAL hands out the smaller of two equal-size primes first.
        Assert.True(primes[0] < primes[^1]);
    }

    [Fact]
    public void InvalidLiteralsAreRefusedWithTheirReason()
    {
        AssertRefused(ParameterError.InvalidCoeffModulusNonPrime, new ParametersLiteral(8192, [1UL << 40]), "not prime");
        var noNtt = CoeffModulus.Create(4096, [40, 40, 40, 40]).First(q => q % 16384 != 1);
        AssertRefused(ParameterError.InvalidCoeffModulusNoNtt, new ParametersLiteral(8192, [noNtt]), "no NTT");
        AssertRefused(ParameterError.InvalidCoeffModulusSize, new ParametersLiteral(8192, []), "1 to 64 primes");
        var prime = CoeffModulus.Create(8192, [40])[0];
        AssertRefused(ParameterError.FailedCreatingRnsBase, new ParametersLiteral(8192, [prime, prime]), "distinct");
        AssertRefused(ParameterError.InvalidCoeffModulusBitCount, new ParametersLiteral(8192, [(1UL << 61) - 1]), "2 to 60 bits");
        AssertRefused(ParameterError.InvalidPolyModulusDegree, new ParametersLiteral(131072, [prime]), "outside");
        AssertRefused(ParameterError.InvalidPolyModulusDegree, new ParametersLiteral(1, [prime]), "outside");
        // Rings below 1024 exist for tests (as in SEAL), but the standard gives them no 128-bit bound.
        var small = CoeffModulus.Create(512, [20]);
        AssertRefused(ParameterError.InvalidParametersInsecure, new ParametersLiteral(512, small), "no 128-bit bound");
        Assert.Equal(ParameterError.Success, Parameters.Validate(new ParametersLiteral(8, CoeffModulus.Create(8, [40, 40]), SecurityLevel.None), out _));
        AssertRefused(ParameterError.InvalidPolyModulusDegreeNonPowerOfTwo, new ParametersLiteral(6144, [prime]), "power of two");
        Assert.Throws<ArgumentException>(() => CoeffModulus.Create(8192, [61]));
    }

    [Fact]
    public void SmallRingsSavedWithoutSecurityAreRefusedWhenLoadedAt128Bits()
    {
        // The server's path: parameters arrive in SEAL's format and are loaded and validated at Tc128.
        var small = new ParametersLiteral(8, CoeffModulus.Create(8, [40, 40, 40]), SecurityLevel.None);
        Assert.Equal(ParameterError.Success, Parameters.Validate(small, out _));
        using var stream = new MemoryStream();
        small.Save(stream);
        stream.Position = 0;
        var loaded = ParametersLiteral.Load(stream, SecurityLevel.Tc128);
        Assert.Equal(ParameterError.InvalidParametersInsecure, Parameters.Validate(loaded, out var reason));
        Assert.Contains("no 128-bit bound", reason);
        Assert.Throws<InvalidParametersException>(() => Parameters.Create(loaded));
    }

    [Fact]
    public void ParmsIdChangesWithEveryParameter()
    {
        var a = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 60]));
        var b = a with { CoefficientPrimes = [.. a.CoefficientPrimes] };
        Assert.Equal(a, b);
        Assert.Equal(a.ParmsId, b.ParmsId);
        Assert.NotEqual(a.ParmsId, (a with { CoefficientPrimes = CoeffModulus.Create(8192, [60, 40, 40]) }).ParmsId);
        Assert.NotEqual(a.ParmsId, new ParametersLiteral(16384, a.CoefficientPrimes).ParmsId);
        Assert.Equal(a.ParmsId, ParmsId.Parse(a.ParmsId.ToString()));
    }

    private static void AssertRefused(ParameterError expected, ParametersLiteral literal, string reason)
    {
        Assert.Equal(expected, Parameters.Validate(literal, out var message));
        Assert.Contains(reason, message, StringComparison.Ordinal);
        var error = Assert.Throws<InvalidParametersException>(() => Parameters.Create(literal));
        Assert.Equal(expected, error.Error);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
