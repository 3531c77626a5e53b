namespace HeCompute.Server.Options;

/// <summary>The cache of deserialized evaluation keys (least recently used entries are evicted first).</summary>
public sealed class KeyCacheOptions
{
    /// <summary>Approximate bytes of deserialized keys kept in memory. Default 2 GiB.</summary>
    public long ByteBudget { get; set; } = 2L << 30;
}
