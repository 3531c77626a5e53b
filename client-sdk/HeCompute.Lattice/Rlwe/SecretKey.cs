using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// The secret key s: a ternary polynomial in NTT form at the key level (SEALNet's <c>SecretKey</c>). Dispose it to
/// overwrite it in memory; it never leaves the client process unencrypted.
/// </summary>
public sealed class SecretKey : ISealObject
{
    /// <summary>Creates an empty secret key (to load into).</summary>
    public SecretKey() => Data = new Plaintext();

    /// <summary>Copies a secret key.</summary>
    public SecretKey(SecretKey copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Data = new Plaintext(copy.Data);
    }

    internal SecretKey(Plaintext data) => Data = data;

    /// <summary>Makes this key a copy of <paramref name="other"/>, overwriting the old key's storage.</summary>
    public void Set(SecretKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Data.Set(other.Data);
    }

    /// <summary>The key as a plaintext (NTT form, key level).</summary>
    public Plaintext Data { get; private set; }

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => Data.ParmsId;

    /// <summary>Size in bytes that <see cref="Save"/> writes.</summary>
    public long SaveSize(CompressionMode? compression = null) => Data.SaveSize(compression);

    /// <summary>Saves in SEAL's format. Only ever to storage the key holder controls.</summary>
    public long Save(Stream stream, CompressionMode? compression = null) => Data.Save(stream, compression);

    /// <summary>Loads a secret key saved by SEAL or by <see cref="Save"/>.</summary>
    public long Load(Parameters parameters, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var loaded = new Plaintext();
        var size = loaded.Load(parameters, stream, parameters.KeyLevel.N * (long)parameters.KeyLevel.CoeffModulusSize * 8 * 2 + 1024);
        if (loaded.ParmsId != parameters.KeyParmsId)
        {
            loaded.Dispose();
            throw new SealFormatException($"A secret key is at the key level {parameters.KeyParmsId}, not {loaded.ParmsId}.", 0);
        }

        Data.Dispose();
        Data = loaded;
        return size;
    }

    /// <summary>A secret key argument, refused when null or not at the key level of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="secretKey"/> is null.</exception>
    /// <exception cref="ParmsIdMismatchException">The key belongs to other parameters.</exception>
    internal static SecretKey RequireOf(Parameters parameters, SecretKey? secretKey, string name)
    {
        ArgumentNullException.ThrowIfNull(secretKey, name);
        return secretKey.ParmsId == parameters.KeyParmsId
            ? secretKey
            : throw new ParmsIdMismatchException("The secret key is not a key of these parameters.");
    }

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Dispose() => Data.Dispose();
}
