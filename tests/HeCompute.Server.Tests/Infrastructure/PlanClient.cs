using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// What a client does with a plan, done with the engine: parameters from the plan, its own secret key, and exactly the
/// keys the plan lists (public key, relinearization keys if needed, Galois keys for the planned steps only).
/// </summary>
public sealed class PlanClient : IDisposable
{
    private readonly KeyGenerator _keygen;

    public PlanClient(PlanDocument plan)
    {
        Plan = plan;
        using (var stream = new MemoryStream(Convert.FromBase64String(plan.Parameters.SealParameters)))
        {
            Parameters = ParametersLiteral.Load(stream);
        }

        Context = HeCompute.Lattice.Rlwe.Parameters.Create(Parameters);
        _keygen = new KeyGenerator(Context);
        var publicKey = _keygen.CreatePublicKey();
        PublicKey = publicKey;
        Encoder = new Encoder(Context);
        Decryptor = new Decryptor(Context, _keygen.SecretKey);
        ParmsBytes = Save(s => Parameters.Save(s));
        PublicKeyBytes = Save(s => PublicKey.Save(s));
        if (plan.Keys.RelinearizationKeys)
        {
            RelinKeysBytes = Save(s => _keygen.CreateSeededRelinKeys().Save(s));
        }

        if (plan.Keys.GaloisSteps.Count > 0)
        {
            GaloisKeysBytes = Save(s => _keygen.CreateSeededGaloisKeys([.. plan.Keys.GaloisSteps]).Save(s));
        }
    }

    public PlanDocument Plan { get; }

    public ParametersLiteral Parameters { get; }

    public Parameters Context { get; }

    public PublicKey PublicKey { get; }

    public Encoder Encoder { get; }

    public Decryptor Decryptor { get; }

    public byte[] ParmsBytes { get; }

    public byte[] PublicKeyBytes { get; }

    public byte[]? RelinKeysBytes { get; }

    public byte[]? GaloisKeysBytes { get; }

    public byte[] SecretKeyBytes => Save(s => _keygen.SecretKey.Save(s));

    /// <summary>The key set upload: parameters, public key and exactly the planned evaluation keys.</summary>
    public MultipartFormDataContent KeySetForm()
    {
        var parts = new List<(string, byte[])> { (KeySetParts.Parms, ParmsBytes), (KeySetParts.PublicKey, PublicKeyBytes) };
        if (RelinKeysBytes is not null)
        {
            parts.Add((KeySetParts.RelinKeys, RelinKeysBytes));
        }

        if (GaloisKeysBytes is not null)
        {
            parts.Add((KeySetParts.GaloisKeys, GaloisKeysBytes));
        }

        return Api.KeySetForm([.. parts]);
    }

    /// <summary>Encodes the slots at the plan's scale and encrypts them with <paramref name="publicKey"/> (default: own).</summary>
    public byte[] Encrypt(IReadOnlyList<double> slots, PublicKey? publicKey = null)
    {
        using var plain = new Plaintext();
        Encoder.Encode(slots, Plan.Parameters.Scale, plain);
        var encryptor = new Encryptor(Context, publicKey ?? PublicKey);
        using var ciphertext = new Ciphertext();
        encryptor.Encrypt(plain, ciphertext);
        return Save(s => ciphertext.Save(s));
    }

    /// <summary>Decrypts and decodes a serialized ciphertext.</summary>
    public double[] Decrypt(byte[] bytes)
    {
        using var ciphertext = new Ciphertext();
        using (var stream = new MemoryStream(bytes))
        {
            ciphertext.Load(Context, stream);
        }

        using var plain = new Plaintext();
        Decryptor.Decrypt(ciphertext, plain);
        var slots = new List<double>();
        Encoder.Decode(plain, slots);
        return [.. slots];
    }

    /// <summary>Loads a public key served by the server (e.g. a dataset's).</summary>
    public PublicKey LoadPublicKey(byte[] bytes)
    {
        var key = new PublicKey();
        using var stream = new MemoryStream(bytes);
        key.Load(Context, stream);
        return key;
    }

    public void Dispose()
    {
        _keygen.Dispose();
    }

    internal static byte[] Save(Action<Stream> save)
    {
        using var stream = new MemoryStream();
        save(stream);
        return stream.ToArray();
    }
}
