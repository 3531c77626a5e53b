using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Tests;

/// <summary>
/// A CKKS context with a secret key for tests: encrypts, decrypts, and makes evaluation contexts whose Galois keys
/// are exactly a given step list (so a test with only the declared keys proves the list is complete).
/// </summary>
public abstract class CkksTestContext : IDisposable
{
    protected CkksTestContext(int polyModulusDegree, int[] primeBits, double scale)
    {
        var parms = new ParametersLiteral(polyModulusDegree, CoeffModulus.Create(polyModulusDegree, primeBits));
        Context = Parameters.Create(parms);
        Keygen = new KeyGenerator(Context);
        var relinKeys = Keygen.CreateRelinKeys();
        RelinKeys = relinKeys;
        var secretKey = Keygen.SecretKey;
        Encryptor = new Encryptor(Context, secretKey);
        Decryptor = new Decryptor(Context, secretKey);
        Evaluation = new EvaluationContext(Context, scale, RelinKeys);
    }

    public Parameters Context { get; }

    public KeyGenerator Keygen { get; }

    public RelinKeys RelinKeys { get; }

    public Encryptor Encryptor { get; }

    public Decryptor Decryptor { get; }

    /// <summary>Evaluation context with relinearization keys and no Galois keys.</summary>
    public EvaluationContext Evaluation { get; }

    public int Slots => Evaluation.SlotCount;

    public double Scale => Evaluation.DefaultScale;

    /// <summary>An evaluation context whose Galois keys are exactly those for <paramref name="steps"/>.</summary>
    public EvaluationContext WithSteps(IEnumerable<int> steps)
    {
        var galoisKeys = Keygen.CreateGaloisKeys(steps.ToArray());
        return Evaluation.WithKeys(new EvaluationKeySet(RelinKeys, galoisKeys));
    }

    public Ciphertext Encrypt(ReadOnlySpan<double> values, double? scale = null, int? level = null)
    {
        var plain = Evaluation.EncodeVector(values, level ?? Evaluation.TopLevel, scale ?? Scale);
        var ct = new Ciphertext();
        Encryptor.EncryptSymmetric(plain, ct);
        return ct;
    }

    public double[] Decrypt(Ciphertext ct)
    {
        var plain = new Plaintext();
        Decryptor.Decrypt(ct, plain);
        var values = new List<double>();
        Evaluation.Encoder.Decode(plain, values);
        return [.. values];
    }

    public double[] Random(int seed, int count, double low = -1, double high = 1)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = low + ((high - low) * random.NextDouble());
        }

        return values;
    }

    public static double MaxError(IReadOnlyList<double> expected, IReadOnlyList<double> actual, int count)
    {
        var worst = 0.0;
        for (var i = 0; i < count; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        return worst;
    }

    public void Dispose()
    {
        Keygen.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>N = 8192, primes {60, 40, 40, 60} (218-bit bound), Δ = 2^40: two levels, fast rotations. For linear algebra.</summary>
public sealed class ShallowCkks() : CkksTestContext(8192, [60, 40, 40, 60], Math.Pow(2, 40));

/// <summary>N = 16384, primes {60, 40 × 7, 60} (400 of 438 bits), Δ = 2^40: seven levels. For polynomials.</summary>
public sealed class DeepCkks() : CkksTestContext(16384, [60, 40, 40, 40, 40, 40, 40, 40, 60], Math.Pow(2, 40));
