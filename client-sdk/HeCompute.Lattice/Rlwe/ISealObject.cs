using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// What can be written in SEAL's format: every object of this layer and the seeded forms (<see cref="Seeded{T}"/>).
/// Lets one adapter (SEALNet's <c>Serializable&lt;T&gt;</c>, the facade's object handles) serve them all.
/// </summary>
public interface ISealSaveable
{
    /// <summary>Saves in SEAL's format.</summary>
    long Save(Stream stream, CompressionMode? compression = null);

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    long SaveSize(CompressionMode? compression = null);
}

/// <summary>An object of this layer: at a level, read back from SEAL's format checked against the parameters, and owning storage.</summary>
public interface ISealObject : ISealSaveable, IDisposable
{
    /// <summary>The level the object is at (the key level for keys).</summary>
    ParmsId ParmsId { get; }

    /// <summary>Loads what SEAL or <see cref="ISealSaveable.Save"/> wrote, checking it against <paramref name="parameters"/>.</summary>
    long Load(Parameters parameters, Stream stream);
}
