using HeCompute.Ckks.Tools;

namespace HeCompute.Ckks;

/// <summary>SEALNet's options of <see cref="MemoryManager.GetPool(MMProfOpt, bool)"/> (same values).</summary>
public enum MMProfOpt : ulong
{
    /// <summary>The current profile's pool.</summary>
    Default = 0,

    /// <summary>The global pool.</summary>
    ForceGlobal = 1,

    /// <summary>A new pool.</summary>
    ForceNew = 2,

    /// <summary>This thread's pool.</summary>
    [Obsolete(MemoryPoolHandle.ThreadLocalPoolObsoleteMessage)]
    ForceThreadLocal = 4,
}

/// <summary>SEALNet's memory manager: the profile that decides which pool new objects use.</summary>
public static class MemoryManager
{
    private static MMProf _profile = new MMProfGlobal();

    /// <summary>Installs a profile and returns the previous one.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="newProfile"/> is null.</exception>
    public static MMProf SwitchProfile(MMProf newProfile)
    {
        ArgumentNullException.ThrowIfNull(newProfile);
        return Interlocked.Exchange(ref _profile, newProfile);
    }

    /// <summary>A pool chosen by <paramref name="profOpt"/>.</summary>
    /// <param name="profOpt">Which pool.</param>
    /// <param name="clearOnDestruction">For <see cref="MMProfOpt.ForceNew"/>: whether objects overwrite their storage when disposed.</param>
    /// <exception cref="ArgumentException"><paramref name="profOpt"/> is not one of the options.</exception>
    public static MemoryPoolHandle GetPool(MMProfOpt profOpt, bool clearOnDestruction = false) => profOpt switch
    {
        MMProfOpt.Default => GetPool(),
        MMProfOpt.ForceGlobal => MemoryPoolHandle.Global(),
        MMProfOpt.ForceNew => MemoryPoolHandle.New(clearOnDestruction),
#pragma warning disable CS0618 // SEALNet still offers the thread-local pool, deprecated.
        MMProfOpt.ForceThreadLocal => MemoryPoolHandle.ThreadLocal(),
#pragma warning restore CS0618
        _ => throw new ArgumentException($"Unknown profile option {(ulong)profOpt}.", nameof(profOpt)),
    };

    /// <summary>The current profile's pool.</summary>
    public static MemoryPoolHandle GetPool() => Volatile.Read(ref _profile).GetPool();
}

/// <summary>SEALNet's memory manager profile: which pool <see cref="MemoryManager.GetPool()"/> hands out.</summary>
public abstract class MMProf : DisposableObject
{
    private protected MMProf()
    {
    }

    /// <summary>The pool this profile hands out.</summary>
    public abstract MemoryPoolHandle GetPool();
}

/// <summary>Hands out the global pool (the default profile).</summary>
public sealed class MMProfGlobal : MMProf
{
    /// <inheritdoc/>
    public override MemoryPoolHandle GetPool() => MemoryPoolHandle.Global();
}

/// <summary>Hands out one fixed pool.</summary>
public sealed class MMProfFixed : MMProf
{
    private readonly MemoryPoolHandle _pool;

    /// <summary>Creates a profile handing out <paramref name="pool"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pool"/> is null.</exception>
    public MMProfFixed(MemoryPoolHandle pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = new MemoryPoolHandle(pool);
    }

    /// <inheritdoc/>
    public override MemoryPoolHandle GetPool() => new(_pool);
}

/// <summary>Hands out a new pool each time.</summary>
public sealed class MMProfNew : MMProf
{
    /// <inheritdoc/>
    public override MemoryPoolHandle GetPool() => MemoryPoolHandle.New();
}

/// <summary>Hands out the calling thread's pool.</summary>
[Obsolete(MemoryPoolHandle.ThreadLocalPoolObsoleteMessage)]
public sealed class MMProfThreadLocal : MMProf
{
    /// <inheritdoc/>
    public override MemoryPoolHandle GetPool() => MemoryPoolHandle.ThreadLocal();
}
