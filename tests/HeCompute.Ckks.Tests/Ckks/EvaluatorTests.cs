using System.Numerics;

namespace HeCompute.Lattice.Tests.Ckks;

/// <summary>Every evaluator operation against the same computation in double precision, with the precision asserted.</summary>
public sealed class EvaluatorTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    private static Complex[] Map(Complex[] a, Func<Complex, Complex> op) => a.Select(op).ToArray();

    private static Complex[] Zip(Complex[] a, Complex[] b, Func<Complex, Complex, Complex> op) => a.Zip(b, op).ToArray();

    [Fact]
    public void PublicAndSymmetricEncryptionDecryptToTheMessage()
    {
        var values = f.RandomComplex(10);
        CkksFixture.AssertPrecision(values, f.Decrypt(f.Encrypt(values)), 20);

        var plain = new Plaintext();
        f.Encoder.Encode(values, CkksFixture.Scale, plain);
        var ct = new Ciphertext();
        f.Encryptor.EncryptSymmetric(plain, ct);
        CkksFixture.AssertPrecision(values, f.Decrypt(ct), 20);
        Assert.False(ct.IsTransparent);
    }

    [Fact]
    public void AddSubNegate()
    {
        var a = f.RandomComplex(11);
        var b = f.RandomComplex(12);
        var ca = f.Encrypt(a);
        var cb = f.Encrypt(b);
        var sum = new Ciphertext();
        f.Evaluator.Add(ca, cb, sum);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x + y), f.Decrypt(sum), 20);
        var difference = new Ciphertext();
        f.Evaluator.Sub(ca, cb, difference);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x - y), f.Decrypt(difference), 20);
        var negated = new Ciphertext();
        f.Evaluator.Negate(ca, negated);
        CkksFixture.AssertPrecision(Map(a, x => -x), f.Decrypt(negated), 20);
        f.Evaluator.AddInplace(ca, cb);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x + y), f.Decrypt(ca), 20);
    }

    [Fact]
    public void PlaintextOperands()
    {
        var a = f.RandomComplex(13);
        var b = f.RandomComplex(14);
        var ca = f.Encrypt(a);
        var pb = new Plaintext();
        f.Encoder.Encode(b, CkksFixture.Scale, pb);
        var result = new Ciphertext();
        f.Evaluator.AddPlain(ca, pb, result);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x + y), f.Decrypt(result), 20);
        f.Evaluator.SubPlain(ca, pb, result);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x - y), f.Decrypt(result), 20);
        f.Evaluator.MultiplyPlain(ca, pb, result);
        Assert.Equal(CkksFixture.Scale * CkksFixture.Scale, result.Scale);
        f.Evaluator.RescaleToNextInplace(result);
        CkksFixture.AssertPrecision(Zip(a, b, (x, y) => x * y), f.Decrypt(result), 20);
    }

    [Fact]
    public void MultiplyRelinearizeRescaleKeepsAtLeast20Bits()
    {
        var a = f.RandomComplex(15);
        var b = f.RandomComplex(16);
        var product = new Ciphertext();
        f.Evaluator.Multiply(f.Encrypt(a), f.Encrypt(b), product);
        Assert.Equal(3UL, product.Size);
        f.Evaluator.RelinearizeInplace(product, f.RelinKeys);
        Assert.Equal(2UL, product.Size);
        f.Evaluator.RescaleToNextInplace(product);
        Assert.Equal(f.Context.FirstLevel.Next!.ParmsId, product.ParmsId);
        var precision = CkksFixture.PrecisionBits(Zip(a, b, (x, y) => x * y), f.Decrypt(product));
        Assert.True(precision >= 20, $"precision {precision:F1} bits");
    }

    [Fact]
    public void SquareThenAnotherLevel()
    {
        var a = f.RandomComplex(17);
        var ct = f.Encrypt(a);
        f.Evaluator.SquareInplace(ct);
        f.Evaluator.RelinearizeInplace(ct, f.RelinKeys);
        f.Evaluator.RescaleToNextInplace(ct);
        f.Evaluator.SquareInplace(ct);
        f.Evaluator.RelinearizeInplace(ct, f.RelinKeys);
        f.Evaluator.RescaleToNextInplace(ct);
        Assert.Equal(f.Context.LastParmsId, ct.ParmsId);
        var precision = CkksFixture.PrecisionBits(Map(a, x => x * x * x * x), f.Decrypt(ct));
        Assert.True(precision >= 15, $"precision {precision:F1} bits");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(-1)]
    [InlineData(-3)]
    [InlineData(100)]
    public void RotateVectorShiftsSlots(int steps)
    {
        var a = f.RandomComplex(18);
        var rotated = new Ciphertext();
        f.Evaluator.RotateVector(f.Encrypt(a), steps, f.GaloisKeys, rotated);
        var n = a.Length;
        var expected = Enumerable.Range(0, n).Select(i => a[(((i + steps) % n) + n) % n]).ToArray();
        CkksFixture.AssertPrecision(expected, f.Decrypt(rotated), 22);
    }

    /// <summary>
    /// Key switching lifts each RNS digit as a centered value. Uncentered digits (mean q_j/2) multiply the key noise
    /// into an error concentrated on the slots nearest ζ — slot 0 came out 20× worse than the median before the fix.
    /// </summary>
    [Fact]
    public void RotationErrorHasNoOutlierAtTheFirstSlots()
    {
        var a = f.RandomComplex(24);
        var rotated = new Ciphertext();
        f.Evaluator.RotateVector(f.Encrypt(a), 1, f.GaloisKeys, rotated);
        var actual = f.Decrypt(rotated);
        var errors = Enumerable.Range(0, a.Length).Select(i => (actual[i] - a[(i + 1) % a.Length]).Magnitude).ToArray();
        var median = errors.Order().ElementAt(errors.Length / 2);
        Assert.True(errors[0] < 6 * median && errors[1] < 6 * median, $"slot 0 error {errors[0]:E2}, slot 1 {errors[1]:E2}, median {median:E2}");
    }

    [Fact]
    public void HoistedRotationsEqualSingleRotations()
    {
        var a = f.RandomComplex(25);
        var ct = f.Encrypt(a);
        int[] steps = [1, 0, -3, 100, 5];
        var rotated = new List<Ciphertext>();
        f.Evaluator.RotateVectorHoisted(ct, steps, f.GaloisKeys, rotated);
        Assert.Equal(steps.Length, rotated.Count);
        for (var s = 0; s < steps.Length; s++)
        {
            var n = a.Length;
            var expected = Enumerable.Range(0, n).Select(i => a[(((i + steps[s]) % n) + n) % n]).ToArray();
            CkksFixture.AssertPrecision(expected, f.Decrypt(rotated[s]), 22);
        }

        Assert.Throws<MissingKeyException>(() => f.Evaluator.RotateVectorHoisted(ct, [7], f.GaloisKeys, rotated));
    }

    [Fact]
    public void ComplexConjugateConjugatesEverySlot()
    {
        var a = f.RandomComplex(19);
        var conjugated = new Ciphertext();
        f.Evaluator.ComplexConjugate(f.Encrypt(a), f.GaloisKeys, conjugated);
        CkksFixture.AssertPrecision(Map(a, Complex.Conjugate), f.Decrypt(conjugated), 22);
    }

    [Fact]
    public void ModSwitchKeepsMessageAndScale()
    {
        var a = f.RandomComplex(20);
        var ct = f.Encrypt(a);
        f.Evaluator.ModSwitchToInplace(ct, f.Context.LastParmsId);
        Assert.Equal(f.Context.LastParmsId, ct.ParmsId);
        Assert.Equal(CkksFixture.Scale, ct.Scale);
        CkksFixture.AssertPrecision(a, f.Decrypt(ct), 18);

        var plain = new Plaintext();
        f.Encoder.Encode(a, CkksFixture.Scale, plain);
        f.Evaluator.ModSwitchToNextInplace(plain);
        Assert.Equal(f.Context.FirstLevel.Next!.ParmsId, plain.ParmsId);
        var decoded = new List<Complex>();
        f.Encoder.Decode(plain, decoded);
        CkksFixture.AssertPrecision(a, decoded, 20);
    }

    [Fact]
    public void MismatchesRaiseSpecificErrors()
    {
        var a = f.Encrypt(f.RandomComplex(21));
        var b = f.Encrypt(f.RandomComplex(22), CkksFixture.Scale * 2);
        Assert.Throws<ScaleMismatchException>(() => f.Evaluator.AddInplace(new Ciphertext(a), b));
        var lower = new Ciphertext(a);
        f.Evaluator.ModSwitchToNextInplace(lower);
        Assert.Throws<ParmsIdMismatchException>(() => f.Evaluator.AddInplace(new Ciphertext(a), lower));
        f.Evaluator.ModSwitchToInplace(lower, f.Context.LastParmsId);
        Assert.Throws<InvalidOperandException>(() => f.Evaluator.RescaleToNextInplace(lower));
        var product = new Ciphertext();
        f.Evaluator.Multiply(a, a, product);
        Assert.Throws<InvalidOperandException>(() => f.Evaluator.RotateVectorInplace(product, 1, f.GaloisKeys));
        Assert.Throws<MissingKeyException>(() => f.Evaluator.RotateVectorInplace(new Ciphertext(a), 7, f.GaloisKeys));
        var big = f.Encrypt(f.RandomComplex(23), Math.Pow(2, 75));
        Assert.Throws<ScaleMismatchException>(() => f.Evaluator.MultiplyInplace(big, new Ciphertext(big)));
    }

    [Fact]
    public void SecretKeyIsClearedOnDispose()
    {
        var keygen = new KeyGenerator(f.Context);
        var key = keygen.SecretKey;
        Assert.False(key.Data.IsZero);
        key.Dispose();
        Assert.True(key.Data.IsZero);
    }
}
