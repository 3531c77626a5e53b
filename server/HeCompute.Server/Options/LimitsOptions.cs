namespace HeCompute.Server.Options;

/// <summary>Size limits (uploads beyond them are refused with 413 before they are stored) and the key set lifetime.</summary>
public sealed class LimitsOptions
{
    /// <summary>Kestrel's global request body limit (the largest any endpoint allows). Default 1 GiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1L << 30;

    /// <summary>Limit for JSON request bodies. Default 1 MiB.</summary>
    public long MaxJsonBodyBytes { get; set; } = 1L << 20;

    /// <summary>Limit for a whole key set upload. Default 1 GiB.</summary>
    public long MaxKeySetUploadBytes { get; set; } = 1L << 30;

    /// <summary>Limit for one part of a key set upload (one serialized SEAL object). Default 512 MiB.</summary>
    public long MaxKeySetPartBytes { get; set; } = 512L << 20;

    /// <summary>
    /// How long a key set uploaded without an <c>expires_at</c> part stays usable for new computations (at most 730 days).
    /// Default none: such key sets do not expire.
    /// </summary>
    public TimeSpan? KeySetLifetime { get; set; }
}
