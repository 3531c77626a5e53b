using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Encryptor</c> over the core's <see cref="Rlwe.Encryptor"/>: encrypts with the public key, or with the
/// secret key, whose seeded form is half the size on the wire.
/// </summary>
public sealed class Encryptor : DisposableObject
{
    private readonly Rlwe.Encryptor _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private Rlwe.Encryptor Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }
    private readonly Rlwe.Parameters _parameters;

    /// <summary>Creates an encryptor with a public key.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is not a key of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Encryptor(SEALContext context, PublicKey publicKey)
        : this(context, publicKey ?? throw new ArgumentNullException(nameof(publicKey)), null)
    {
    }

    /// <summary>Creates an encryptor with a secret key (symmetric encryption only).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is not a key of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Encryptor(SEALContext context, SecretKey secretKey)
        : this(context, null, secretKey ?? throw new ArgumentNullException(nameof(secretKey)))
    {
    }

    /// <summary>Creates an encryptor with both keys.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is not a key of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Encryptor(SEALContext context, PublicKey? publicKey, SecretKey? secretKey)
    {
        _parameters = SEALContext.Require(context, nameof(context));
        _core = SealNetErrors.Run(() => new Rlwe.Encryptor(_parameters, publicKey?.Core, secretKey?.Core));
    }

    /// <summary>Sets the public key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is null.</exception>
    public void SetPublicKey(PublicKey publicKey) => SealNetErrors.Run(() => Live.SetPublicKey(PublicKey.Unwrap(publicKey, nameof(publicKey))));

    /// <summary>Sets the secret key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    public void SetSecretKey(SecretKey secretKey) => SealNetErrors.Run(() => Live.SetSecretKey(SecretKey.Unwrap(secretKey, nameof(secretKey))));

    /// <summary>Encrypts with the public key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plain"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The encryptor has no public key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public void Encrypt(Plaintext plain, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.RunEncryption(() => Live.Encrypt(Plaintext.Unwrap(plain, nameof(plain)), Ciphertext.Unwrap(destination, nameof(destination))));

    /// <summary>Encrypts with the public key, for saving (SEALNet's <c>Serializable</c> form; a public-key encryption has no seed, so it is saved whole).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plain"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The encryptor has no public key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public Serializable<Ciphertext> Encrypt(Plaintext plain, MemoryPoolHandle? pool = null) =>
        Whole(destination => Encrypt(plain, destination));

    /// <summary>Encrypts zero with the public key at the first data level, for saving.</summary>
    /// <exception cref="InvalidOperationException">The encryptor has no public key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public Serializable<Ciphertext> EncryptZero(MemoryPoolHandle? pool = null) =>
        Whole(destination => EncryptZero(destination));

    /// <summary>Encrypts zero with the public key at a level, for saving.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parmsId"/> is null.</exception>
    public Serializable<Ciphertext> EncryptZero(ParmsId parmsId, MemoryPoolHandle? pool = null) =>
        Whole(destination => EncryptZero(parmsId, destination));

    /// <summary>Encrypts zero with the public key at the first data level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    public void EncryptZero(Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.RunEncryption(() => Live.EncryptZero(Ciphertext.Unwrap(destination, nameof(destination))));

    /// <summary>Encrypts zero with the public key at a level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parmsId"/> or <paramref name="destination"/> is null.</exception>
    public void EncryptZero(ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.RunEncryption(() => Live.EncryptZero(ParmsId.Require(parmsId, nameof(parmsId)), Ciphertext.Unwrap(destination, nameof(destination))));

    /// <summary>Encrypts with the secret key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plain"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The encryptor has no secret key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public void EncryptSymmetric(Plaintext plain, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.RunEncryption(() => Live.EncryptSymmetric(Plaintext.Unwrap(plain, nameof(plain)), Ciphertext.Unwrap(destination, nameof(destination))));

    /// <summary>Encrypts with the secret key in SEAL's seeded form, for saving (half the size).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="plain"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The encryptor has no secret key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public Serializable<Ciphertext> EncryptSymmetric(Plaintext plain, MemoryPoolHandle? pool = null) =>
        new(SealNetErrors.RunEncryption(() => Live.EncryptSymmetric(Plaintext.Unwrap(plain, nameof(plain)))));

    /// <summary>Encrypts zero with the secret key at the first data level.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The encryptor has no secret key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public void EncryptZeroSymmetric(Ciphertext destination, MemoryPoolHandle? pool = null) =>
        EncryptZeroSymmetric(new ParmsId(_parameters.FirstParmsId), destination, pool);

    /// <summary>Encrypts zero with the secret key at a level.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="parmsId"/> is not a level of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public void EncryptZeroSymmetric(ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.RunEncryption(() => Live.EncryptSymmetric(Zero(parmsId), Ciphertext.Unwrap(destination, nameof(destination))));

    /// <summary>Encrypts zero with the secret key at the first data level, in SEAL's seeded form for saving.</summary>
    /// <exception cref="InvalidOperationException">The encryptor has no secret key (SEAL\'s logic error; the core\'s <see cref="MissingKeyException"/> is the inner exception).</exception>
    public Serializable<Ciphertext> EncryptZeroSymmetric(MemoryPoolHandle? pool = null) =>
        EncryptZeroSymmetric(new ParmsId(_parameters.FirstParmsId), pool);

    /// <summary>Encrypts zero with the secret key at a level, in SEAL's seeded form for saving.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="parmsId"/> is null.</exception>
    public Serializable<Ciphertext> EncryptZeroSymmetric(ParmsId parmsId, MemoryPoolHandle? pool = null) =>
        new(SealNetErrors.RunEncryption(() => Live.EncryptSymmetric(Zero(parmsId))));

    /// <summary>The encoding of zero at a level with scale 1, as SEAL's encryptions of zero have.</summary>
    private Rlwe.Plaintext Zero(ParmsId parmsId)
    {
        var id = ParmsId.Require(parmsId, nameof(parmsId));
        var level = _parameters.RequireLevel(id, "Encryptor");
        return new Rlwe.Plaintext((ulong)level.N * (ulong)level.CoeffModulusSize) { ParmsId = id };
    }

    /// <summary>A public-key encryption for saving: it has no seed, so SEAL saves it whole.</summary>
    private static Serializable<Ciphertext> Whole(Action<Ciphertext> encrypt)
    {
        var destination = new Ciphertext();
        encrypt(destination);
        return new Serializable<Ciphertext>(destination.Core);
    }

}
