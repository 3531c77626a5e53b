namespace HeCompute.Ckks.Tools;

/// <summary>
/// SEALNet's <c>DisposableObject</c>: disposal that runs once, even when <see cref="Dispose"/> races itself on several
/// threads, and <see cref="IsDisposed"/> once it has run. The facade's handles derive from it, and a disposed handle
/// throws <see cref="ObjectDisposedException"/>. Unlike SEALNet there is no finalizer: nothing here holds native memory.
/// </summary>
public class DisposableObject : IDisposable
{
    private int _disposeClaimed;
    private volatile bool _disposed;

    /// <summary>Whether disposal has completed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Releases the object's resources; later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeClaimed, 1) != 0)
        {
            return;
        }

        DisposeManagedResources();
        DisposeNativeResources();
        _disposed = true;
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases managed resources (called once, by the first <see cref="Dispose"/>).</summary>
    protected virtual void DisposeManagedResources()
    {
    }

    /// <summary>Releases the resources SEALNet keeps natively (called once, after <see cref="DisposeManagedResources"/>).</summary>
    protected virtual void DisposeNativeResources()
    {
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once disposal has been claimed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeClaimed) != 0, this);
}
