using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>PublicKey</c>, a handle on a core <see cref="Rlwe.PublicKey"/>: an encryption of zero at the key level.</summary>
public sealed class PublicKey : SealObject<Rlwe.PublicKey>, ISettable<PublicKey>
{
    /// <summary>Creates an empty public key (to load into).</summary>
    public PublicKey() : this(new Rlwe.PublicKey())
    {
    }

    /// <summary>Copies a public key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public PublicKey(PublicKey copy) : this(new Rlwe.PublicKey(Unwrap(copy, nameof(copy))))
    {
    }

    /// <summary>Wraps a core public key (no copy).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="core"/> is null.</exception>
    public PublicKey(Rlwe.PublicKey core) : base(core)
    {
    }

    /// <summary>The core key this handle wraps.</summary>
    public Rlwe.PublicKey Core => Wrapped;

    /// <summary>Makes this key a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(PublicKey assign) => Core.Set(Unwrap(assign, nameof(assign)));

    /// <summary>The key as a ciphertext (a handle on the key's own polynomials).</summary>
    public Ciphertext Data => new(Core.Data);

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => new(Core.ParmsId);
}
