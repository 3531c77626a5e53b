using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>Decryptor</c> over the core's <see cref="Rlwe.Decryptor"/>.</summary>
public sealed class Decryptor : DisposableObject
{
    private readonly Rlwe.Decryptor _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private Rlwe.Decryptor Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }

    /// <summary>Creates a decryptor.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is not a key of the context. (The core's <see cref="ParmsIdMismatchException"/> is the inner exception.)</exception>
    public Decryptor(SEALContext context, SecretKey secretKey) =>
        _core = SealNetErrors.Run(() => new Rlwe.Decryptor(SEALContext.Require(context, nameof(context)), SecretKey.Unwrap(secretKey, nameof(secretKey))));

    /// <summary>Decrypts to an NTT-form plaintext at the ciphertext's level.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public void Decrypt(Ciphertext encrypted, Plaintext destination) =>
        SealNetErrors.Run(() => Live.Decrypt(Ciphertext.Unwrap(encrypted, nameof(encrypted)), Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>SEALNet's noise budget, which only BFV and BGV have: for CKKS, SEAL refuses with this exception.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encrypted"/> is null.</exception>
    /// <exception cref="ArgumentException">Always: CKKS ciphertexts have no invariant noise budget.</exception>
    public int InvariantNoiseBudget(Ciphertext encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        throw new ArgumentException("The invariant noise budget is defined for BFV and BGV only, not CKKS.", nameof(encrypted));
    }

}
