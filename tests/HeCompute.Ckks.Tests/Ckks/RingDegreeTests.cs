using System.Numerics;

namespace HeCompute.Lattice.Tests.Ckks;

/// <summary>Every supported ring degree, 1024 to 65536, encrypts, computes and decrypts at 128-bit security.</summary>
public sealed class RingDegreeTests
{
    /// <summary>N, primes, scale, and the error allowed: at N ≤ 2048 the 128-bit bound leaves 27–54 bits, so little precision.</summary>
    public static TheoryData<int, int[], double, double> Degrees => new()
    {
        { 1024, [27], 1 << 22, 0.05 },
        { 2048, [27, 27], 1 << 24, 0.05 },
        { 4096, [40, 30, 38], 1 << 30, 1e-3 },
        { 32768, [60, 50, 50, 60], Math.Pow(2, 50), 1e-6 },
        { 65536, [60, 50, 50, 60], Math.Pow(2, 50), 1e-6 },
    };

    [Theory]
    [MemberData(nameof(Degrees))]
    public void EncryptComputeDecrypt(int n, int[] bits, double scale, double tolerance)
    {
        var parms = new ParametersLiteral(n, CoeffModulus.Create(n, bits));
        var context = Parameters.Create(parms);
        using var keygen = new KeyGenerator(context);
        var publicKey = keygen.CreatePublicKey();
        var encoder = new Encoder(context);
        var random = new Random(n);
        var values = Enumerable.Range(0, n / 2).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        var plain = new Plaintext();
        encoder.Encode(values, scale, plain);
        var ct = new Ciphertext();
        new Encryptor(context, publicKey).Encrypt(plain, ct);
        var evaluator = new Evaluator(context);
        var expected = values;
        if (context.SupportsKeySwitching)
        {
            var relinKeys = keygen.CreateRelinKeys();
            var galoisKeys = keygen.CreateGaloisKeys([1]);
            evaluator.RotateVectorInplace(ct, 1, galoisKeys);
            expected = Enumerable.Range(0, values.Length).Select(i => values[(i + 1) % values.Length]).ToArray();
            if (context.FirstLevel.Next is not null)
            {
                evaluator.SquareInplace(ct);
                evaluator.RelinearizeInplace(ct, relinKeys);
                evaluator.RescaleToNextInplace(ct);
                expected = expected.Select(v => v * v).ToArray();
            }
        }

        using var secretKey = keygen.SecretKey;
        new Decryptor(context, secretKey).Decrypt(ct, plain);
        var decoded = new List<Complex>();
        encoder.Decode(plain, decoded);
        var worst = expected.Zip(decoded, (e, d) => (e - d).Magnitude).Max();
        Assert.True(worst < tolerance, $"N = {n}: largest error {worst:E2}");
    }
}
