namespace HeCompute.Server.Options;

/// <summary>The certificate the server generates for itself when none is configured (outside Development).</summary>
public sealed class TlsOptions
{
    /// <summary>
    /// Host names (or IP addresses) the generated certificate names besides <c>localhost</c>, <c>127.0.0.1</c> and
    /// <c>::1</c>; the host of <see cref="HeComputeServerOptions.PublicBaseUrl"/> is added on its own.
    /// </summary>
    public IList<string> HostNames { get; } = [];

    /// <summary>Where the generated certificate, its key and its fingerprint are kept. Default <c>{DataDirectory}/tls</c>.</summary>
    public string? CertificateDirectory { get; set; }
}
