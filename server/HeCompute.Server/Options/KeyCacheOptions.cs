namespace HeCompute.Server.Options;

/// <summary>The cache of deserialized evaluation keys (least recently used entries are evicted first).</summary>
public sealed class KeyCacheOptions
{
    /// <summary>
    /// Approximate bytes of deserialized keys and encoded plaintexts kept in memory (<c>EvaluationMemory</c>). Default:
    /// a quarter of the memory available to the process, at most 2 GiB.
    /// </summary>
    public long ByteBudget { get; set; } = DefaultByteBudget();

    /// <summary>A quarter of the memory the GC reports available to the process (the machine's, or its container limit), capped at 2 GiB.</summary>
    public static long DefaultByteBudget()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return available > 0 ? Math.Min(2L << 30, available / 4) : 2L << 30;
    }
}
