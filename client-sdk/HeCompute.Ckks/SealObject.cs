using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// What SEALNet's saveable objects share (SEALNet derives them from <c>NativeObject</c>): each is a handle on one core
/// object, and saving, loading and disposing it is the core object's own. Only this assembly derives from it. After
/// <see cref="DisposableObject.Dispose"/>, every member throws <see cref="ObjectDisposedException"/>.
/// </summary>
/// <typeparam name="TCore">The core type the handle wraps.</typeparam>
public abstract class SealObject<TCore> : DisposableObject, IPoolStorage, ISerializableObject
    where TCore : class, Rlwe.ISealObject
{
    private readonly TCore _core;
    private readonly MemoryPoolHandle _pool;

    private protected SealObject(TCore core, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        _core = core;
        _pool = MemoryPoolHandle.For(pool);
        _pool.Pool?.Register(this);
    }

    /// <summary>The core object (each handle exposes it under its own name and type).</summary>
    /// <exception cref="ObjectDisposedException">The handle is disposed.</exception>
    private protected TCore Wrapped
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }

    /// <summary>The pool this object was created with (SEALNet's <c>Pool</c>; see <see cref="MemoryPoolHandle"/>).</summary>
    public MemoryPoolHandle Pool
    {
        get
        {
            ThrowIfDisposed();
            return new MemoryPoolHandle(_pool);
        }
    }

    /// <summary>Bytes of storage the core object holds, for the pool's counters; negative once disposed.</summary>
    long IPoolStorage.StorageBytes => IsDisposed ? -1 : StorageBytes(_core);

    /// <summary>Bytes of storage a core object of this kind holds (0 where the pool does not report it).</summary>
    private protected virtual long StorageBytes(TCore core) => 0;

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) => Wrapped.SaveSize(comprMode.ToCore());

    /// <summary>Saves in SEAL's format.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Wrapped.Save(stream, comprMode.ToCore());
    }

    /// <summary>Loads an object saved by SEAL or by <see cref="Save"/> (also SEAL's seeded form), checking it against the context.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="EndOfStreamException">The stream ends before the object does.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long Load(SEALContext context, Stream stream)
    {
        var parameters = LoadParameters(context, stream);
        var core = Wrapped;
        return SealLoad.Run(() => core.Load(parameters, stream));
    }

    /// <summary>
    /// SEALNet's load without the validity check. The engine checks every object it loads (a ciphertext whose
    /// coefficients are not reduced would corrupt every result computed from it), so this is <see cref="Load"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long UnsafeLoad(SEALContext context, Stream stream) => Load(context, stream);

    /// <summary>Disposes the core object (the core overwrites plaintexts and keys) and leaves the pool.</summary>
    protected override void DisposeManagedResources()
    {
        _core.Dispose();
        _pool.Dispose();
    }

    /// <summary>The core object of an argument, refusing null as SEALNet does.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="handle"/> is disposed.</exception>
    internal static TCore Unwrap(SealObject<TCore>? handle, string name)
    {
        ArgumentNullException.ThrowIfNull(handle, name);
        return handle.Wrapped;
    }

    /// <summary>The core parameters a load checks against, after SEALNet's argument checks.</summary>
    private protected static Rlwe.Parameters LoadParameters(SEALContext context, Stream stream)
    {
        var parameters = SEALContext.Require(context, nameof(context));
        ArgumentNullException.ThrowIfNull(stream);
        return parameters;
    }
}
