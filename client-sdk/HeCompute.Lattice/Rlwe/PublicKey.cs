using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// A public key: an encryption of zero under the secret key, a size-2 ciphertext at the key level (SEALNet's
/// <c>PublicKey</c>). Each key-switching key is made of these.
/// </summary>
public sealed class PublicKey : ISealObject
{
    /// <summary>Creates an empty public key (to load into).</summary>
    public PublicKey() => Data = new Ciphertext();

    /// <summary>Copies a public key.</summary>
    public PublicKey(PublicKey copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Data = new Ciphertext(copy.Data);
    }

    internal PublicKey(Ciphertext data, SeedInfo? seed = null)
    {
        Data = data;
        Seed = seed;
    }

    /// <summary>The key as a ciphertext.</summary>
    public Ciphertext Data { get; private set; }

    /// <summary>The level of the key (the key level).</summary>
    public ParmsId ParmsId => Data.ParmsId;

    /// <summary>Set only on keys made for a seeded <see cref="Seeded{T}"/>: c1 is then saved as this seed.</summary>
    internal SeedInfo? Seed { get; private set; }

    /// <summary>Makes this key a copy of <paramref name="other"/> (saved whole, like a copy).</summary>
    public void Set(PublicKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Data.Set(other.Data);
        Seed = null;
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes.</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(Data.BodySize(Seed is not null), compression ?? SealSerialization.DefaultCompression);

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, CompressionMode? compression = null) => Data.Save(stream, compression, Seed);

    internal void WriteNested(SealBodyWriter writer)
    {
        NestedObjects.WriteHeader(writer, Data.BodySize(Seed is not null));
        Data.WriteBody(writer, Seed);
    }

    internal long NestedSize => SealHeader.ByteCount + Data.BodySize(Seed is not null);

    /// <summary>Loads a public key saved by SEAL or by <see cref="Save"/>.</summary>
    public long Load(Parameters parameters, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = SealSerialization.ReadBody(stream, MaxBytes(parameters), out var header);
        var reader = new SealBodyReader(body);
        Data = ReadKeyBody(parameters, ref reader);
        reader.EnsureEnd();
        return (long)header.Size;
    }

    internal static long MaxBytes(Parameters parameters) =>
        SealHeader.ByteCount + 128 + (2L * parameters.KeyLevel.N * parameters.KeyLevel.CoeffModulusSize * 8);

    internal static Ciphertext ReadKeyBody(Parameters parameters, ref SealBodyReader reader)
    {
        var offset = reader.Position;
        var ct = Ciphertext.ReadBody(parameters, ref reader, allowKeyLevel: true);
        if (ct.ParmsId != parameters.KeyParmsId || ct.Size != 2)
        {
            throw new SealFormatException($"A public or key-switching key is a size-2 ciphertext at the key level; this one has size {ct.Size} at {ct.ParmsId}.", offset);
        }

        return ct;
    }

    /// <summary>Releases the storage.</summary>
    public void Dispose() => Data.Release();
}
