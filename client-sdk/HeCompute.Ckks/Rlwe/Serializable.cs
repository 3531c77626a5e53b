namespace HeCompute.Ckks;

/// <summary>
/// An object that can only be saved (SEALNet's <c>Serializable&lt;T&gt;</c>): keys and symmetric ciphertexts in SEAL's
/// seeded form, where each uniformly random polynomial is replaced by the 64-byte seed it expands from — half the size.
/// </summary>
public sealed class Serializable<T> : IDisposable
    where T : class
{
    private readonly Func<Stream, ComprModeType?, long> _save;
    private readonly Func<ComprModeType?, long> _saveSize;

    internal Serializable(Func<Stream, ComprModeType?, long> save, Func<ComprModeType?, long> saveSize)
    {
        _save = save;
        _saveSize = saveSize;
    }

    /// <summary>Saves the seeded form in SEAL's format.</summary>
    public long Save(Stream stream, ComprModeType? comprMode = null) => _save(stream, comprMode);

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => _saveSize(comprMode);

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
