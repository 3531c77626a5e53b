using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// An object that can only be saved (SEALNet's <c>Serializable&lt;T&gt;</c>): keys and symmetric ciphertexts in SEAL's
/// seeded form, where each uniformly random polynomial is replaced by the 64-byte seed it expands from — half the size.
/// </summary>
public sealed class Seeded<T> : ISealSaveable
    where T : class
{
    private readonly Func<Stream, CompressionMode?, long> _save;
    private readonly Func<CompressionMode?, long> _saveSize;

    internal Seeded(Func<Stream, CompressionMode?, long> save, Func<CompressionMode?, long> saveSize)
    {
        _save = save;
        _saveSize = saveSize;
    }

    /// <summary>Saves the seeded form in SEAL's format.</summary>
    public long Save(Stream stream, CompressionMode? compression = null) => _save(stream, compression);

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) => _saveSize(compression);
}
