namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Serializable&lt;T&gt;</c>, over the core's <see cref="Rlwe.Seeded{T}"/>: an object that can only be
/// saved, in SEAL's seeded form (each uniformly random polynomial replaced by the 64-byte seed it expands from).
/// </summary>
public sealed class Serializable<T> : IDisposable
    where T : class
{
    private readonly Rlwe.ISealSaveable _core;

    /// <summary>Saves <paramref name="core"/>: a seeded form, or an object with none (a public-key encryption), saved whole as SEAL saves it.</summary>
    internal Serializable(Rlwe.ISealSaveable core) => _core = core;

    /// <summary>Saves the seeded form in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return _core.Save(stream, comprMode.ToCore());
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => _core.SaveSize(comprMode.ToCore());

    /// <summary>Nothing to release: present so SEALNet code that disposes this object (with <c>using</c>) compiles unchanged.</summary>
    public void Dispose()
    {
    }
}
