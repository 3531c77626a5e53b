namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Serializable&lt;T&gt;</c>, over the core's <see cref="Rlwe.Seeded{T}"/>: an object that can only be
/// saved, in SEAL's seeded form (each uniformly random polynomial replaced by the 64-byte seed it expands from).
/// </summary>
public sealed class Serializable<T> : IDisposable
    where T : class
{
    private readonly Func<Stream, ComprModeType?, long> _save;
    private readonly Func<ComprModeType?, long> _saveSize;

    private Serializable(Func<Stream, ComprModeType?, long> save, Func<ComprModeType?, long> saveSize)
    {
        _save = save;
        _saveSize = saveSize;
    }

    internal static Serializable<T> Of<TCore>(Rlwe.Seeded<TCore> seeded)
        where TCore : class =>
        new((stream, mode) => seeded.Save(stream, mode.ToCore()), mode => seeded.SaveSize(mode.ToCore()));

    /// <summary>An object with no seeded form (a public-key encryption), saved whole as SEAL saves it.</summary>
    internal static Serializable<T> Whole(Func<Stream, ComprModeType?, long> save, Func<ComprModeType?, long> saveSize) => new(save, saveSize);

    /// <summary>Saves the seeded form in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return _save(stream, comprMode);
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => _saveSize(comprMode);

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
