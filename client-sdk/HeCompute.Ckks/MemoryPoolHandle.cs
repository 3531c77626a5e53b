using HeCompute.Ckks.Tools;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's handle on a memory pool. The engine allocates its working memory from shared .NET pools, so a pool here is
/// an accounting object: it knows which facade objects were created with it, and reports what they hold.
/// </summary>
/// <remarks>
/// <see cref="AllocByteCount"/> is the storage that live objects created with this pool hold now, and
/// <see cref="PoolCount"/> the number of distinct allocation sizes among them (SEAL keeps one sub-pool per size).
/// SEAL's counters also keep memory its objects released; these do not. <see cref="UseCount"/> counts this pool's
/// live handles, each object's own included, as SEAL's shared pointer does.
/// </remarks>
public sealed class MemoryPoolHandle : DisposableObject
{
    internal const string ThreadLocalPoolObsoleteMessage =
        "Thread-local memory pools are not safe for managed objects because finalization can release native " +
        "allocations from a different thread. Use MemoryPoolHandle.Global() or MemoryPoolHandle.New() instead.";

    private static readonly MemoryPool GlobalPool = new();

    [ThreadStatic]
    private static MemoryPool? _threadLocalPool;

    private MemoryPool? _pool;

    /// <summary>Creates an uninitialized handle (<see cref="IsInitialized"/> is false).</summary>
    public MemoryPoolHandle()
    {
    }

    /// <summary>Creates a handle on the same pool as <paramref name="copy"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="copy"/> is null.</exception>
    public MemoryPoolHandle(MemoryPoolHandle copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Attach(copy._pool);
    }

    private MemoryPoolHandle(MemoryPool pool) => Attach(pool);

    /// <summary>Makes this a handle on the same pool as <paramref name="assign"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="assign"/> is null.</exception>
    public void Set(MemoryPoolHandle assign)
    {
        ArgumentNullException.ThrowIfNull(assign);
        ThrowIfDisposed();
        var pool = assign._pool;
        Detach();
        Attach(pool);
    }

    /// <summary>A handle on the global pool.</summary>
    public static MemoryPoolHandle Global() => new(GlobalPool);

    /// <summary>A handle on this thread's pool.</summary>
    [Obsolete(ThreadLocalPoolObsoleteMessage)]
    public static MemoryPoolHandle ThreadLocal() => new(_threadLocalPool ??= new MemoryPool());

    /// <summary>A handle on a new pool.</summary>
    /// <param name="clearOnDestruction">SEAL's request to overwrite freed storage; accepted for every pool, since the core overwrites plaintexts and keys when they are disposed.</param>
    public static MemoryPoolHandle New(bool clearOnDestruction = false)
    {
        _ = clearOnDestruction;
        return new(new MemoryPool());
    }

    /// <summary>Number of distinct allocation sizes among the live objects created with this pool (0 if uninitialized).</summary>
    public ulong PoolCount => _pool?.PoolCount ?? 0;

    /// <summary>Bytes of storage the live objects created with this pool hold (0 if uninitialized).</summary>
    public ulong AllocByteCount => _pool?.AllocByteCount ?? 0;

    /// <summary>Number of live handles on this pool, the objects' own included (0 if uninitialized).</summary>
    public long UseCount => _pool?.UseCount ?? 0;

    /// <summary>Whether the handle refers to a pool.</summary>
    public bool IsInitialized => _pool is not null;

    /// <summary>The pool, for objects registering with it.</summary>
    internal MemoryPool? Pool => _pool;

    /// <summary>Whether both handles refer to the same pool.</summary>
    public override bool Equals(object? obj) => obj is MemoryPoolHandle other && ReferenceEquals(other._pool, _pool);

    /// <inheritdoc/>
    public override int GetHashCode() => _pool is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_pool);

    /// <summary>The handle an object uses: the one given, or the memory manager's current pool.</summary>
    internal static MemoryPoolHandle For(MemoryPoolHandle? given) => given is null || !given.IsInitialized
        ? MemoryManager.GetPool()
        : new MemoryPoolHandle(given);

    /// <inheritdoc/>
    protected override void DisposeManagedResources() => Detach();

    private void Attach(MemoryPool? pool)
    {
        _pool = pool;
        pool?.AddHandle();
    }

    private void Detach()
    {
        _pool?.RemoveHandle();
        _pool = null;
    }
}

/// <summary>The accounting behind <see cref="MemoryPoolHandle"/>: live handles, and weak references to the objects holding storage.</summary>
internal sealed class MemoryPool
{
    private readonly List<WeakReference<IPoolStorage>> _holders = [];
    private long _handles;

    internal long UseCount => Interlocked.Read(ref _handles);

    internal void AddHandle() => Interlocked.Increment(ref _handles);

    internal void RemoveHandle() => Interlocked.Decrement(ref _handles);

    internal void Register(IPoolStorage holder)
    {
        lock (_holders)
        {
            // Pruning on each registration keeps the list proportional to the live objects.
            _holders.RemoveAll(reference => !reference.TryGetTarget(out var live) || live.StorageBytes < 0);
            _holders.Add(new WeakReference<IPoolStorage>(holder));
        }
    }

    internal ulong AllocByteCount
    {
        get
        {
            ulong total = 0;
            lock (_holders)
            {
                foreach (var reference in _holders)
                {
                    if (reference.TryGetTarget(out var holder) && holder.StorageBytes > 0)
                    {
                        total += (ulong)holder.StorageBytes;
                    }
                }
            }

            return total;
        }
    }

    internal ulong PoolCount
    {
        get
        {
            var sizes = new HashSet<long>();
            lock (_holders)
            {
                foreach (var reference in _holders)
                {
                    if (reference.TryGetTarget(out var holder) && holder.StorageBytes > 0)
                    {
                        sizes.Add(holder.StorageBytes);
                    }
                }
            }

            return (ulong)sizes.Count;
        }
    }
}

/// <summary>An object whose storage a <see cref="MemoryPool"/> reports; a negative size means disposed.</summary>
internal interface IPoolStorage
{
    long StorageBytes { get; }
}
