using HeCompute.Lattice.Tests.Ckks;

namespace HeCompute.Lattice.Tests.Rlwe;

/// <summary>The evaluator asks only <see cref="IEvaluationKeySet"/> for keys: any implementation works, a missing key is named.</summary>
public sealed class EvaluationKeySetTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void ACustomKeySetIsAskedForExactlyTheStepsElementAndItsKeyIsUsed()
    {
        var values = f.RandomComplex(1);
        var keys = new CountingKeySet(new EvaluationKeySet(f.RelinKeys, f.GaloisKeys));
        var ct = f.Encrypt(values);
        f.Evaluator.RotateVectorInplace(ct, 5, keys);
        Assert.Equal([GaloisElements.FromStep(5, 8192)], keys.GaloisLookups);
        var rotated = f.Decrypt(ct);
        var expected = Enumerable.Range(0, f.Slots).Select(i => values[(i + 5) % f.Slots]).ToArray();
        Assert.True(CkksFixture.PrecisionBits(expected, rotated) > 15);
    }

    [Fact]
    public void RelinearizationUsesTheSetsRelinearizationKey()
    {
        var a = f.RandomComplex(2);
        var ct = f.Encrypt(a);
        f.Evaluator.SquareInplace(ct);
        var keys = new CountingKeySet(new EvaluationKeySet(f.RelinKeys, null));
        f.Evaluator.RelinearizeInplace(ct, keys);
        Assert.Equal(1, keys.RelinearizationLookups);
        Assert.Equal(2UL, ct.Size);
        f.Evaluator.RescaleToNextInplace(ct);
        Assert.True(CkksFixture.PrecisionBits(a.Select(x => x * x).ToArray(), f.Decrypt(ct)) > 15);
    }

    [Fact]
    public void AMissingGaloisKeyIsNamedByElementAndStep()
    {
        var ct = f.Encrypt(f.RandomComplex(3));
        var keys = new EvaluationKeySet(f.RelinKeys, f.GaloisKeys);
        var element = GaloisElements.FromStep(7, 8192);
        Assert.False(keys.TryGetGaloisKey(element, out _));
        var rotate = Assert.Throws<MissingKeyException>(() => f.Evaluator.RotateVectorInplace(ct, 7, keys));
        Assert.Contains("rotation step 7", rotate.Message, StringComparison.Ordinal);
        Assert.Contains($"Galois element {element}", rotate.Message, StringComparison.Ordinal);
        var galois = Assert.Throws<MissingKeyException>(() => f.Evaluator.ApplyGaloisInplace(ct, element, keys));
        Assert.Contains($"Galois element {element}", galois.Message, StringComparison.Ordinal);
        var hoisted = Assert.Throws<MissingKeyException>(() => f.Evaluator.RotateVectorHoisted(ct, [1, 7], keys, []));
        Assert.Contains("rotation step 7", hoisted.Message, StringComparison.Ordinal);
        var none = Assert.Throws<MissingKeyException>(() => f.Evaluator.RotateVectorInplace(ct, 1, new EvaluationKeySet(f.RelinKeys, null)));
        Assert.Contains("rotation step 1", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRelinearizationKeyIsSaid()
    {
        var ct = f.Encrypt(f.RandomComplex(4));
        f.Evaluator.SquareInplace(ct);
        var error = Assert.Throws<MissingKeyException>(() => f.Evaluator.RelinearizeInplace(ct, new EvaluationKeySet(null, f.GaloisKeys)));
        Assert.Contains("relinearization key", error.Message, StringComparison.Ordinal);
        Assert.Equal(3UL, ct.Size);
    }

    [Fact]
    public void TheWireObjectsAreKeySetsOfTheirOwnKind()
    {
        IEvaluationKeySet relin = f.RelinKeys;
        IEvaluationKeySet galois = f.GaloisKeys;
        Assert.Same(f.RelinKeys.SquareKey, relin.RelinearizationKey);
        Assert.False(relin.TryGetGaloisKey(GaloisElements.FromStep(1, 8192), out _));
        Assert.Null(galois.RelinearizationKey);
        Assert.True(galois.TryGetGaloisKey(GaloisElements.FromStep(1, 8192), out var key));
        Assert.Equal(f.Context.KeyParmsId, key.ParmsId);
        Assert.Equal(f.Context.FirstLevel.PrimeCount, key.PartCount);
        Assert.False(galois.TryGetGaloisKey(2, out _));
        var both = new EvaluationKeySet(f.RelinKeys, f.GaloisKeys);
        Assert.Same(f.RelinKeys.SquareKey, both.RelinearizationKey);
        Assert.True(both.TryGetGaloisKey(GaloisElements.FromStep(0, 8192), out _));
        Assert.Null(new EvaluationKeySet(null, null).RelinearizationKey);
    }

    [Fact]
    public void KeysOfOtherParametersAreRefused()
    {
        var other = Parameters.Create(new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 59])));
        var foreign = new KeyGenerator(other).CreateGaloisKeys([1]);
        var ct = f.Encrypt(f.RandomComplex(5));
        Assert.Throws<ParmsIdMismatchException>(() => f.Evaluator.RotateVectorInplace(ct, 1, foreign));
    }

    [Fact]
    public void StepsMapToSealsGaloisElements()
    {
        Assert.Equal([3u, 9u, 81u, 6561u], GaloisElements.FromSteps([1, 2, 4, 8], 8192));
        Assert.Equal(16383u, GaloisElements.FromStep(0, 8192));
        // A right rotation by k is a left rotation by N/2 − k.
        Assert.Equal(GaloisElements.FromStep(4096 - 3, 8192), GaloisElements.FromStep(-3, 8192));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaloisElements.FromStep(4096, 8192));
        Assert.Equal(24, GaloisElements.DefaultKeyCount(8192));
        Assert.Equal(GaloisElements.Default(8192).Distinct().Order(), f.Keygen.CreateGaloisKeys(GaloisElements.Default(8192)).GaloisElements.Order());
    }
}
