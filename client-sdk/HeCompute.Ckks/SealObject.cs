using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// What SEALNet's saveable objects share (SEALNet derives them from <c>NativeObject</c>): each is a handle on one core
/// object, and saving, loading and disposing it is the core object's own. Only this assembly derives from it.
/// </summary>
/// <typeparam name="TCore">The core type the handle wraps.</typeparam>
public abstract class SealObject<TCore> : IDisposable
    where TCore : class, Rlwe.ISealObject
{
    private protected SealObject(TCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        Wrapped = core;
    }

    /// <summary>The core object (each handle exposes it under its own name and type).</summary>
    private protected TCore Wrapped { get; }

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
    /// <exception cref="SealFormatException">The bytes are malformed, too large, or not valid for the context.</exception>
    public long Load(SEALContext context, Stream stream) => Wrapped.Load(LoadParameters(context, stream), stream);

    /// <summary>Releases the storage (overwriting it, for secret material); SEALNet code disposes these objects with <c>using</c>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the core object.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Wrapped.Dispose();
        }
    }

    /// <summary>The core object of an argument, refusing null as SEALNet does.</summary>
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
