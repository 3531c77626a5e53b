using HeCompute.Analytics.Planning;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Tests.Planning;

/// <summary>
/// The client's side of a plan in tests: a secret key for the plan's parameters, the public key, and exactly the
/// evaluation keys the plan lists (nothing else), with encryption, decryption and an evaluation context on them.
/// </summary>
public sealed class PlannedKeys : IDisposable
{
    public PlannedKeys(ParametersLiteral parameters, double scale, bool relinearization, IReadOnlyList<uint> galoisElements)
        : this(Parameters.Create(parameters), scale, relinearization, galoisElements)
    {
    }

    public PlannedKeys(Parameters parameters, double scale, bool relinearization, IReadOnlyList<uint> galoisElements)
    {
        Context = parameters;
        Keygen = new KeyGenerator(Context);
        var publicKey = Keygen.CreatePublicKey();
        PublicKey = publicKey;
        RelinKeys? relinKeys = null;
        if (relinearization)
        {
            relinKeys = Keygen.CreateRelinKeys();
        }

        GaloisKeys? galoisKeys = null;
        if (galoisElements.Count > 0)
        {
            galoisKeys = Keygen.CreateGaloisKeys(galoisElements);
        }

        var secretKey = Keygen.SecretKey;
        Encryptor = new Encryptor(Context, publicKey, secretKey);
        Decryptor = new Decryptor(Context, secretKey);
        Evaluation = new EvaluationContext(Context, scale, new EvaluationKeySet(relinKeys, galoisKeys));
    }

    public Parameters Context { get; }

    public KeyGenerator Keygen { get; }

    public PublicKey PublicKey { get; }

    public Encryptor Encryptor { get; }

    public Decryptor Decryptor { get; }

    public EvaluationContext Evaluation { get; }

    /// <summary>Encrypts with the public key, as a contributor without the secret key would (fresh level and Δ unless given).</summary>
    public Ciphertext Encrypt(ReadOnlySpan<double> slots, int? level = null, double? scale = null)
    {
        var ct = new Ciphertext();
        Encryptor.Encrypt(Evaluation.EncodeVector(slots, level ?? Evaluation.TopLevel, scale ?? Evaluation.DefaultScale), ct);
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

    public void Dispose() => Keygen.Dispose();
}
