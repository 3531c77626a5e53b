using HeCompute.Lattice.Tests.Ckks;

namespace HeCompute.Lattice.Tests.Rlwe;

/// <summary>
/// A cancelled token stops every key-switching operation before it switches a key, so a cancelled computation stops
/// within one key switch; the operand is left as it was.
/// </summary>
public sealed class CancellationTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void APreCancelledTokenStopsEveryKeySwitchBeforeItChangesAnything()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var token = cancelled.Token;
        var ct = f.Encrypt(f.RandomComplex(1));
        var before = new Ciphertext(ct);
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.RotateVectorInplace(ct, 1, f.GaloisKeys, token));
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.ComplexConjugateInplace(ct, f.GaloisKeys, token));
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.ApplyGaloisInplace(ct, GaloisElements.FromStep(2, 8192), f.GaloisKeys, token));
        var destinations = new List<Ciphertext>();
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.RotateVectorHoisted(ct, [1, 2, 5], f.GaloisKeys, destinations, token));
        Assert.True(Same(before, ct));

        var product = new Ciphertext(ct);
        f.Evaluator.SquareInplace(product);
        var square = new Ciphertext(product);
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.RelinearizeInplace(product, f.RelinKeys, token));
        Assert.True(Same(square, product));
        Assert.Throws<OperationCanceledException>(() => f.Keygen.CreateGaloisKeys([1, 2], token));
    }

    [Fact]
    public void ATokenCancelledDuringAChainStopsAtTheNextKeySwitch()
    {
        using var cts = new CancellationTokenSource();
        // Cancelled while the third rotation looks up its key: that rotation must not switch, the chain stops there.
        var keys = new CountingKeySet(f.GaloisKeys, cts, afterLookups: 3);
        var ct = f.Encrypt(f.RandomComplex(2));
        var completed = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                f.Evaluator.RotateVectorInplace(ct, 1, keys, cts.Token);
                completed++;
            }
        });
        Assert.Equal(2, completed);
        Assert.Equal(3, keys.GaloisLookups.Count);
    }

    [Fact]
    public void HoistedRotationsObserveCancellationBetweenKeySwitches()
    {
        using var cts = new CancellationTokenSource();
        // Every key is looked up before any work; cancelling at the last lookup stops before the shared decomposition.
        var keys = new CountingKeySet(f.GaloisKeys, cts, afterLookups: 3);
        var ct = f.Encrypt(f.RandomComplex(3));
        var destinations = new List<Ciphertext>();
        Assert.Throws<OperationCanceledException>(() => f.Evaluator.RotateVectorHoisted(ct, [1, 2, 5], keys, destinations, cts.Token));
        Assert.Equal(3, keys.GaloisLookups.Count);
        Assert.All(destinations, d => Assert.Equal(0UL, d.Size));
    }

    [Fact]
    public void AnUncancelledTokenChangesNothing()
    {
        using var cts = new CancellationTokenSource();
        var values = f.RandomComplex(4);
        var ct = f.Encrypt(values);
        var reference = new Ciphertext(ct);
        f.Evaluator.RotateVectorInplace(ct, 2, f.GaloisKeys, cts.Token);
        f.Evaluator.RotateVectorInplace(reference, 2, f.GaloisKeys);
        Assert.True(CkksFixture.PrecisionBits(f.Decrypt(reference), f.Decrypt(ct)) > 15);
    }

    private static bool Same(Ciphertext a, Ciphertext b)
    {
        if (a.Size != b.Size || a.ParmsId != b.ParmsId)
        {
            return false;
        }

        var words = a.Size * a.PolyModulusDegree * a.CoeffModulusSize;
        for (var i = 0UL; i < words; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
