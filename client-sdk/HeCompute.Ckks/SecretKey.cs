using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>SecretKey</c>, a handle on a core <see cref="Rlwe.SecretKey"/>. Dispose it to overwrite the key in
/// memory; it never leaves the client process unencrypted.
/// </summary>
public sealed class SecretKey : IDisposable
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
    public SecretKey(Rlwe.SecretKey core)
    {
        ArgumentNullException.ThrowIfNull(core);
        Core = core;
    }

    /// <summary>The core key this handle wraps.</summary>
    public Rlwe.SecretKey Core { get; }

    /// <summary>The key as a plaintext (a handle on the key's own coefficients, NTT form, key level).</summary>
    public Plaintext Data => new(Core.Data);

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => new(Core.ParmsId);

    /// <summary>Size in bytes that <see cref="Save"/> writes.</summary>
    public long SaveSize(ComprModeType? comprMode = null) => Core.SaveSize(comprMode.ToCore());

    /// <summary>Saves in SEAL's format. Only ever to storage the key holder controls.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Save(stream, comprMode.ToCore());
    }

    /// <summary>Loads a secret key saved by SEAL or by <see cref="Save"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are not a secret key of the context.</exception>
    public long Load(SEALContext context, Stream stream)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        ArgumentNullException.ThrowIfNull(stream);
        return Core.Load(parameters, stream);
    }

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Dispose() => Core.Dispose();

    internal static Rlwe.SecretKey Unwrap(SecretKey? key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        return key.Core;
    }
}
