namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's memory pool handle, accepted wherever SEALNet's signatures take one so SEALNet code compiles unchanged.
/// The engine allocates from <see cref="System.Buffers.ArrayPool{T}"/> and ignores the handle.
/// </summary>
public sealed class MemoryPoolHandle : IDisposable
{
    private MemoryPoolHandle()
    {
    }

    /// <summary>A new handle.</summary>
    public static MemoryPoolHandle New(bool clearOnDestruction = false)
    {
        _ = clearOnDestruction;
        return new MemoryPoolHandle();
    }

    /// <summary>The global handle.</summary>
    public static MemoryPoolHandle Global() => Shared;

    /// <summary>The thread-local handle.</summary>
    public static MemoryPoolHandle ThreadLocal() => Shared;

    private static readonly MemoryPoolHandle Shared = new();

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}

/// <summary>SEALNet's memory manager; returns handles the engine ignores.</summary>
public static class MemoryManager
{
    /// <summary>The default pool handle.</summary>
    public static MemoryPoolHandle GetPool() => MemoryPoolHandle.Global();
}
