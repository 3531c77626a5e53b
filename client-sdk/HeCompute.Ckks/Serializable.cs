using HeCompute.Ckks.Tools;
namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Serializable&lt;T&gt;</c>, over the core's <see cref="Rlwe.Seeded{T}"/>: an object that can only be
/// saved, in SEAL's seeded form (each uniformly random polynomial replaced by the 64-byte seed it expands from).
/// </summary>
public sealed class Serializable<T> : DisposableObject
    where T : class
{
    private Rlwe.ISealSaveable _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private Rlwe.ISealSaveable Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }

    /// <summary>Saves <paramref name="core"/>: a seeded form, or an object with none (a public-key encryption), saved whole as SEAL saves it.</summary>
    internal Serializable(Rlwe.ISealSaveable core) => _core = core;

    /// <summary>Copies a serializable object (the seeded form is immutable, so the copy shares it).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="copy"/> is disposed.</exception>
    public Serializable(Serializable<T> copy) => _core = (copy ?? throw new ArgumentNullException(nameof(copy))).Live;

    /// <summary>Makes this object a copy of <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">Either object is disposed.</exception>
    public void Set(Serializable<T> assign)
    {
        ArgumentNullException.ThrowIfNull(assign);
        ThrowIfDisposed();
        _core = assign.Live;
    }

    /// <summary>Saves the seeded form in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Live.Save(stream, comprMode.ToCore());
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => Live.SaveSize(comprMode.ToCore());

}
