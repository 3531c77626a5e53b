namespace HeCompute.Server.Storage;

/// <summary>
/// The lock <see cref="BlobCollector"/> holds while blobs are committed and referenced, or unreferenced ones deleted.
/// It must cover every process that shares the store: one process for the embedded store, every node for a shared one.
/// </summary>
public interface IBlobReferenceLock
{
    /// <summary>Waits for the lock; disposing the result releases it.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken);
}

/// <summary>The lock for storage only this process uses.</summary>
public sealed class InProcessBlobReferenceLock : IBlobReferenceLock, IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_lock);
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    private sealed class Releaser(SemaphoreSlim semaphore) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            semaphore.Release();
            return ValueTask.CompletedTask;
        }
    }
}
