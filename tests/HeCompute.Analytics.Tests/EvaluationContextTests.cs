using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Testing;

namespace HeCompute.Analytics.Tests;

public sealed class EvaluationContextTests(ShallowCkks f) : IClassFixture<ShallowCkks>
{
    [Fact]
    public void LevelsPrimesAndParmsIdsFollowTheChain()
    {
        var c = f.Evaluation;
        Assert.Equal(2, c.TopLevel);
        Assert.Equal(4096, c.SlotCount);
        Assert.Equal(f.Context.FirstParmsId, c.ParmsIdAt(2));
        Assert.Equal(f.Context.LastParmsId, c.ParmsIdAt(0));
        var primes = f.Context.FirstLevel.Primes;
        Assert.Equal(primes[2], c.RescalePrime(2));
        Assert.Equal(primes[1], c.RescalePrime(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.RescalePrime(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.ParmsIdAt(3));
        Assert.Throws<ArgumentException>(() => c.LevelOf(f.Context.KeyParmsId));
        Assert.Equal(new CiphertextShape(2, f.Scale), c.FreshShape());
        Assert.Equal(60 + 40 + 40, c.ModulusBits(2));
    }

    [Fact]
    public void RotationStepsAreCanonical()
    {
        Assert.Equal(-1, RotationSteps.Normalize(4095, 4096));
        Assert.Equal(2048, RotationSteps.Normalize(-2048, 4096));
        Assert.Equal(0, RotationSteps.Normalize(8192, 4096));
        Assert.Equal(new[] { -3, 1, 2 }, RotationSteps.Canonical([2, 1, 0, 4093, 1, 4097], 4096));
        Assert.Equal(new[] { -1, 1, 4 }, RotationSteps.Union(4096, [1, 4], [4095, 1]));
    }

    [Fact]
    public void MissingKeysAreNamed()
    {
        var ct = f.Encrypt([1.0]);
        var noKeys = new EvaluationContext(f.Context, f.Scale);
        var relin = Assert.Throws<MissingKeyException>(() => HeCompute.Analytics.LinearAlgebra.ElementwiseProduct.Square(noKeys, ct));
        Assert.Contains("relinearization", relin.Message, StringComparison.Ordinal);
        var galois = Assert.Throws<MissingKeyException>(() => noKeys.Rotate(ct, 1));
        Assert.Contains("RequiredSteps", galois.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACancelledComputationStopsWithinOneKeySwitch()
    {
        var steps = SlotSum.RequiredSteps(f.Slots);
        var galois = f.Keygen.CreateGaloisKeys(steps.ToArray());
        var x = f.Random(3, f.Slots);

        var uncancelled = new CountingKeySet(new EvaluationKeySet(f.RelinKeys, galois));
        SlotSum.Apply(f.Evaluation.WithKeys(uncancelled), f.Encrypt(x));
        Assert.Equal(steps.Count, uncancelled.GaloisLookups.Count);

        // Cancelled while the first rotation fetches its key: no key switch of the twelve runs.
        using var cts = new CancellationTokenSource();
        var cancelling = new CountingKeySet(new EvaluationKeySet(f.RelinKeys, galois), cts, afterLookups: 1);
        var context = f.Evaluation.WithKeys(cancelling).WithCancellation(cts.Token);
        Assert.Equal(cts.Token, context.CancellationToken);
        Assert.Throws<OperationCanceledException>(() => SlotSum.Apply(context, f.Encrypt(x)));
        Assert.Single(cancelling.GaloisLookups);

        var product = f.Encrypt(x);
        f.Evaluation.Evaluator.SquareInplace(product);
        Assert.Throws<OperationCanceledException>(() => context.RelinearizeInplace(product));
        Assert.Equal(3UL, product.Size);
    }
}
