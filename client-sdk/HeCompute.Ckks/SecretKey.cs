using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>SecretKey</c>, a handle on a core <see cref="Rlwe.SecretKey"/>. Dispose it to overwrite the key in
/// memory; it never leaves the client process unencrypted, and is saved only to storage the key holder controls.
/// </summary>
public sealed class SecretKey : SealObject<Rlwe.SecretKey>
{
    /// <summary>Creates an empty secret key (to load into).</summary>
    public SecretKey() : this(new Rlwe.SecretKey())
    {
    }

    /// <summary>Copies a secret key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public SecretKey(SecretKey copy) : this(new Rlwe.SecretKey(Unwrap(copy, nameof(copy))))
    {
    }

    /// <summary>Wraps a core secret key (no copy).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public SecretKey(Rlwe.SecretKey core) : base(core)
    {
    }

    /// <summary>The core key this handle wraps.</summary>
    public Rlwe.SecretKey Core => Wrapped;

    /// <summary>Makes this key a copy of <paramref name="assign"/>, overwriting the old key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(SecretKey assign) => Core.Set(Unwrap(assign, nameof(assign)));

    /// <summary>The key as a plaintext (a handle on the key's own coefficients, NTT form, key level).</summary>
    public Plaintext Data => new(Core.Data);

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => new(Core.ParmsId);
}
