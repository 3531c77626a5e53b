using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Encrypts CKKS plaintexts with the public key, or with the secret key (SEALNet's <c>Encryptor</c>). Secret-key
/// encryption can return SEAL's seeded form, half the size on the wire.
/// </summary>
public sealed class Encryptor
{
    private readonly Parameters _parameters;
    private PublicKey? _publicKey;
    private SecretKey? _secretKey;

    /// <summary>Creates an encryptor with a public key.</summary>
    public Encryptor(Parameters parameters, PublicKey publicKey) : this(parameters, publicKey, null)
    {
    }

    /// <summary>Creates an encryptor with a secret key (symmetric encryption only).</summary>
    public Encryptor(Parameters parameters, SecretKey secretKey) : this(parameters, null, secretKey)
    {
    }

    /// <summary>Creates an encryptor with both keys.</summary>
    public Encryptor(Parameters parameters, PublicKey? publicKey, SecretKey? secretKey)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        if (publicKey is not null)
        {
            SetPublicKey(publicKey);
        }

        if (secretKey is not null)
        {
            SetSecretKey(secretKey);
        }
    }

    /// <summary>Sets the public key.</summary>
    public void SetPublicKey(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (publicKey.ParmsId != _parameters.KeyParmsId || publicKey.Data.Size != 2)
        {
            throw new ParmsIdMismatchException("The public key is not a key of these parameters.");
        }

        _publicKey = publicKey;
    }

    /// <summary>Sets the secret key.</summary>
    public void SetSecretKey(SecretKey secretKey)
    {
        _secretKey = SecretKey.RequireOf(_parameters, secretKey, nameof(secretKey));
    }

    /// <summary>Encrypts with the public key.</summary>
    public void Encrypt(Plaintext plain, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = ValidatePlain(plain);
        var key = _publicKey ?? throw new MissingKeyException("This encryptor has no public key; use EncryptSymmetric or set one.");
        RlweEncryption.EncryptZeroAsymmetric(key, level, destination);
        AddPlain(destination, plain, level);
    }

    /// <summary>Encrypts zero with the public key at the first level.</summary>
    public void EncryptZero(Ciphertext destination) => EncryptZero(_parameters.FirstParmsId, destination);

    /// <summary>Encrypts zero with the public key at a level.</summary>
    public void EncryptZero(ParmsId parmsId, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = _parameters.RequireLevel(parmsId, "The requested level");
        var key = _publicKey ?? throw new MissingKeyException("This encryptor has no public key.");
        RlweEncryption.EncryptZeroAsymmetric(key, level, destination);
    }

    /// <summary>Encrypts with the secret key.</summary>
    public void EncryptSymmetric(Plaintext plain, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = ValidatePlain(plain);
        RlweEncryption.EncryptZeroSymmetric(RequireSecretKey(), level, destination);
        AddPlain(destination, plain, level);
    }

    /// <summary>Encrypts with the secret key and returns SEAL's seeded form, for saving.</summary>
    public Seeded<Ciphertext> EncryptSymmetric(Plaintext plain)
    {
        var level = ValidatePlain(plain);
        var ct = new Ciphertext();
        var seed = RlweEncryption.EncryptZeroSymmetric(RequireSecretKey(), level, ct);
        AddPlain(ct, plain, level);
        return new Seeded<Ciphertext>(
            (stream, mode) => ct.Save(stream, mode, seed),
            mode => SealSerialization.SaveSize(ct.BodySize(seeded: true), mode ?? SealSerialization.DefaultCompression));
    }

    private SecretKey RequireSecretKey() =>
        _secretKey ?? throw new MissingKeyException("This encryptor has no secret key; use Encrypt or set one.");

    private Level ValidatePlain(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (!plain.IsNTTForm)
        {
            throw new InvalidOperandException("A CKKS plaintext must be in NTT form (encode it with Encoder).");
        }

        var level = _parameters.RequireLevel(plain.ParmsId, "The plaintext");
        if (plain.CoeffCount != (ulong)(level.N * level.CoeffModulusSize))
        {
            throw new InvalidOperandException($"The plaintext has {plain.CoeffCount} coefficients; its level needs {level.N * level.CoeffModulusSize}.");
        }

        return level;
    }

    private static void AddPlain(Ciphertext destination, Plaintext plain, Level level)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            var c0 = destination.Limb(0, j);
            PolyArith.AddMod(c0, plain.Limb(j, n), c0, level.Moduli[j]);
        }

        destination.Scale = plain.Scale;
    }
}
