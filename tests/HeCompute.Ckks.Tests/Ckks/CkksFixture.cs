using System.Numerics;

namespace HeCompute.Lattice.Tests.Ckks;

/// <summary>One context and key set shared by the engine tests: N = 8192, primes {60, 40, 40, 60}, scale 2^40.</summary>
public sealed class CkksFixture : IDisposable
{
    public CkksFixture()
    {
        Parms = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        Context = Parameters.Create(Parms);
        Keygen = new KeyGenerator(Context);
        var publicKey = Keygen.CreatePublicKey();
        PublicKey = publicKey;
        var relinKeys = Keygen.CreateRelinKeys();
        RelinKeys = relinKeys;
        var galoisKeys = Keygen.CreateGaloisKeys([1, 2, 5, -1, -3, 100, 0]);
        GaloisKeys = galoisKeys;
        Encoder = new Encoder(Context);
        Encryptor = new Encryptor(Context, PublicKey, Keygen.SecretKey);
        Decryptor = new Decryptor(Context, Keygen.SecretKey);
        Evaluator = new Evaluator(Context);
    }

    public const double Scale = 1099511627776.0; // 2^40

    public ParametersLiteral Parms { get; }
    public Parameters Context { get; }
    public KeyGenerator Keygen { get; }
    public PublicKey PublicKey { get; }
    public RelinKeys RelinKeys { get; }
    public GaloisKeys GaloisKeys { get; }
    public Encoder Encoder { get; }
    public Encryptor Encryptor { get; }
    public Decryptor Decryptor { get; }
    public Evaluator Evaluator { get; }

    public int Slots => (int)Encoder.SlotCount;

    public Complex[] RandomComplex(int seed, double magnitude = 1.0)
    {
        var random = new Random(seed);
        var values = new Complex[Slots];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new Complex((random.NextDouble() * 2 - 1) * magnitude, (random.NextDouble() * 2 - 1) * magnitude);
        }

        return values;
    }

    public Ciphertext Encrypt(Complex[] values, double scale = Scale)
    {
        var plain = new Plaintext();
        Encoder.Encode(values, scale, plain);
        var ct = new Ciphertext();
        Encryptor.Encrypt(plain, ct);
        return ct;
    }

    public Complex[] Decrypt(Ciphertext ct)
    {
        var plain = new Plaintext();
        Decryptor.Decrypt(ct, plain);
        var result = new List<Complex>();
        Encoder.Decode(plain, result);
        return [.. result];
    }

    /// <summary>−log2 of the largest absolute error: the bits of precision reached.</summary>
    public static double PrecisionBits(IReadOnlyList<Complex> expected, IReadOnlyList<Complex> actual)
    {
        var worst = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, (expected[i] - actual[i]).Magnitude);
        }

        return worst == 0 ? 64 : -Math.Log2(worst);
    }

    public static void AssertPrecision(IReadOnlyList<Complex> expected, IReadOnlyList<Complex> actual, double bits)
    {
        var precision = PrecisionBits(expected, actual);
        Assert.True(precision >= bits, $"precision {precision:F1} bits, required {bits}");
    }

    public void Dispose() => Keygen.Dispose();
}
