using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>PublicKey</c>, a handle on a core <see cref="Rlwe.PublicKey"/>: an encryption of zero at the key level.</summary>
public sealed class PublicKey : IDisposable
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
    public PublicKey(Rlwe.PublicKey core)
    {
        ArgumentNullException.ThrowIfNull(core);
        Core = core;
    }

    /// <summary>The core key this handle wraps.</summary>
    public Rlwe.PublicKey Core { get; }

    /// <summary>The key as a ciphertext (a handle on the key's own polynomials).</summary>
    public Ciphertext Data => new(Core.Data);

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => new(Core.ParmsId);

    /// <summary>Size in bytes that <see cref="Save"/> writes.</summary>
    public long SaveSize(ComprModeType? comprMode = null) => Core.SaveSize(comprMode.ToCore());

    /// <summary>Saves in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Save(stream, comprMode.ToCore());
    }

    /// <summary>Loads a public key saved by SEAL or by <see cref="Save"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are not a public key of the context.</exception>
    public long Load(SEALContext context, Stream stream)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Load(parameters, stream);
    }

    /// <summary>Releases the storage.</summary>
    public void Dispose() => Core.Dispose();

    internal static Rlwe.PublicKey Unwrap(PublicKey? key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        return key.Core;
    }
}
