namespace HeCompute.Client.Http;

/// <summary>Where the HeCompute server is and how to authenticate to it.</summary>
public sealed class HeComputeClientOptions
{
    /// <summary>The server's base address, e.g. <c>https://hecompute.example.org/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key sent as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The server certificate to trust (<c>sha256:</c> and its 64-hex-digit fingerprint, see <see cref="CertificatePin"/>):
    /// the connection is made only to a server presenting exactly that certificate, e.g. the self-signed one the server
    /// generates. Null: the system's certificate validation.
    /// </summary>
    public string? CertificatePin { get; set; }

    /// <summary>
    /// Longest a single attempt may take. Encrypted predictions and uploads of large evaluation keys take far longer
    /// than the resilience pipeline's default of 10 s, so the default here is 10 minutes.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest a call may take, retries included (default 30 minutes).</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Interval between polls while waiting for a job (default 500 ms).</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest result or ciphertext body the client reads into memory (default 1 GiB).</summary>
    public long MaxResponseBytes { get; set; } = 1L << 30;
}
