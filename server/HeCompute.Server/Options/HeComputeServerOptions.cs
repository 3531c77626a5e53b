namespace HeCompute.Server.Options;

/// <summary>The server's settings, bound from the <c>HeCompute</c> configuration section and validated on start.</summary>
public sealed class HeComputeServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "HeCompute";

    /// <summary>Where metadata and blobs live.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Request and object size limits.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>The in-memory cache of deserialized evaluation keys.</summary>
    public KeyCacheOptions KeyCache { get; set; } = new();

    /// <summary>The job runner.</summary>
    public JobsOptions Jobs { get; set; } = new();

    /// <summary>Models, predictions and datasets.</summary>
    public AnalyticsOptions Analytics { get; set; } = new();

    /// <summary>The compute scheduler: workers, threads per computation, queue.</summary>
    public ComputeOptions Compute { get; set; } = new();

    /// <summary>Per-API-key request rate limits: a default policy and a stricter one for heavy endpoints.</summary>
    public RateLimitsOptions RateLimits { get; set; } = new();

    /// <summary>Encryption of stored blobs: master key, rotation, keyring.</summary>
    public AtRestOptions AtRest { get; set; } = new();

    /// <summary>The self-signed certificate generated when no certificate is configured.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Metrics export.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// An admin API key to install on start (at least 32 characters). When absent and no admin key exists, the first
    /// start generates one and writes it to a 0600 file in the data directory.
    /// </summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// The absolute http(s) URL clients reach the server at, published as the OpenAPI <c>servers</c> entry. When absent
    /// the document lists no server (clients use the address they fetched it from); a request's <c>Host</c> header is never used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}
