using HeCompute.Ckks.Ring;
using HeCompute.Ckks.Rlwe;

namespace HeCompute.Ckks;

/// <summary>
/// Encrypts CKKS plaintexts with the public key, or with the secret key (SEALNet's <c>Encryptor</c>). Secret-key
/// encryption can return SEAL's seeded form, half the size on the wire.
/// </summary>
public sealed class Encryptor : IDisposable
{
    private readonly SEALContext _context;
    private PublicKey? _publicKey;
    private SecretKey? _secretKey;

    /// <summary>Creates an encryptor with a public key.</summary>
    public Encryptor(SEALContext context, PublicKey publicKey) : this(context, publicKey, null)
    {
    }

    /// <summary>Creates an encryptor with a secret key (symmetric encryption only).</summary>
    public Encryptor(SEALContext context, SecretKey secretKey) : this(context, null, secretKey)
    {
    }

    /// <summary>Creates an encryptor with both keys.</summary>
    public Encryptor(SEALContext context, PublicKey? publicKey, SecretKey? secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfNotSet();
        _context = context;
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
        if (publicKey.ParmsId != _context.KeyParmsId || publicKey.Data.Size != 2)
        {
            throw new ParmsIdMismatchException("The public key is not a key of this context.");
        }

        _publicKey = publicKey;
    }

    /// <summary>Sets the secret key.</summary>
    public void SetSecretKey(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        if (secretKey.ParmsId != _context.KeyParmsId)
        {
            throw new ParmsIdMismatchException("The secret key is not a key of this context.");
        }

        _secretKey = secretKey;
    }

    /// <summary>Encrypts with the public key.</summary>
    public void Encrypt(Plaintext plain, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = ValidatePlain(plain);
        var key = _publicKey ?? throw new MissingKeyException("This encryptor has no public key; use EncryptSymmetric or set one.");
        RlweEncryption.EncryptZeroAsymmetric(key, level, destination);
        AddPlain(destination, plain, level);
    }

    /// <summary>Encrypts zero with the public key at the first level.</summary>
    public void EncryptZero(Ciphertext destination, MemoryPoolHandle? pool = null) => EncryptZero(_context.FirstParmsId, destination);

    /// <summary>Encrypts zero with the public key at a level.</summary>
    public void EncryptZero(ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = _context.GetLevel(parmsId, "The requested level");
        var key = _publicKey ?? throw new MissingKeyException("This encryptor has no public key.");
        RlweEncryption.EncryptZeroAsymmetric(key, level, destination);
    }

    /// <summary>Encrypts with the secret key.</summary>
    public void EncryptSymmetric(Plaintext plain, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var level = ValidatePlain(plain);
        RlweEncryption.EncryptZeroSymmetric(RequireSecretKey(), level, destination);
        AddPlain(destination, plain, level);
    }

    /// <summary>Encrypts with the secret key and returns SEAL's seeded form, for saving.</summary>
    public Serializable<Ciphertext> EncryptSymmetric(Plaintext plain)
    {
        var level = ValidatePlain(plain);
        var ct = new Ciphertext();
        var seed = RlweEncryption.EncryptZeroSymmetric(RequireSecretKey(), level, ct);
        AddPlain(ct, plain, level);
        return new Serializable<Ciphertext>(
            (stream, mode) => ct.Save(stream, mode, seed),
            mode => Serialization.SealSerialization.SaveSize(ct.BodySize(seeded: true), mode ?? Serialization.SealSerialization.ComprModeDefault));
    }

    private SecretKey RequireSecretKey() =>
        _secretKey ?? throw new MissingKeyException("This encryptor has no secret key; use Encrypt or set one.");

    private ContextData ValidatePlain(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (!plain.IsNTTForm)
        {
            throw new InvalidOperandException("A CKKS plaintext must be in NTT form (encode it with CKKSEncoder).");
        }

        var level = _context.GetLevel(plain.ParmsId, "The plaintext");
        if (plain.CoeffCount != (ulong)(level.N * level.CoeffModulusSize))
        {
            throw new InvalidOperandException($"The plaintext has {plain.CoeffCount} coefficients; its level needs {level.N * level.CoeffModulusSize}.");
        }

        return level;
    }

    private static void AddPlain(Ciphertext destination, Plaintext plain, ContextData level)
    {
        var n = level.N;
        for (var j = 0; j < level.CoeffModulusSize; j++)
        {
            var c0 = destination.Limb(0, j);
            PolyArith.AddMod(c0, plain.Limb(j, n), c0, level.Moduli[j]);
        }

        destination.Scale = plain.Scale;
    }

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
