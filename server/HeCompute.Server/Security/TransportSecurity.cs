using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Security;

/// <summary>
/// HTTPS by default outside Development. Kestrel's own configuration (<c>Kestrel:Endpoints</c>,
/// <c>Kestrel:Certificates:Default</c>, <c>urls</c>/<c>ASPNETCORE_URLS</c>, <c>http_ports</c>/<c>https_ports</c>)
/// is honoured as it is; without a configured address the server listens on <see cref="DefaultUrl"/>, and without a
/// configured certificate it serves the <see cref="ServerCertificate"/> it generates in its data directory.
/// Development keeps Kestrel's plain defaults.
/// </summary>
public static partial class TransportSecurity
{
    /// <summary>Where the server listens outside Development when no address is configured.</summary>
    public const string DefaultUrl = "https://localhost:5001";

    /// <summary>Applies the defaults above to the builder.</summary>
    public static WebApplicationBuilder UseHeComputeTransport(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Environment.IsDevelopment())
        {
            return builder;
        }

        if (!HasConfiguredAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        if (!HasConfiguredCertificate(builder.Configuration))
        {
            var plainOnly = !MayServeHttps(builder.Configuration);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                // Only when Kestrel starts (never under the in-memory test server), with the data directory resolved.
                var services = kestrel.ApplicationServices;
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TransportSecurity));
                if (plainOnly)
                {
                    LogPlainHttp(logger);
                    return;
                }

                var options = services.GetRequiredService<IOptions<HeComputeServerOptions>>().Value;
                var directory = options.Tls.CertificateDirectory is { Length: > 0 } configured
                    ? Path.GetFullPath(configured)
                    : Path.Combine(services.GetRequiredService<StoragePaths>().DataDirectory, "tls");
                IEnumerable<string> names = options.Tls.HostNames;
                if (Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var publicUrl))
                {
                    names = names.Append(publicUrl.Host);
                }

                var certificate = ServerCertificate.LoadOrCreate(directory, names, services.GetRequiredService<TimeProvider>());
                LogCertificate(logger, certificate.Generated ? "generated" : "reused", certificate.Directory, certificate.Fingerprint, certificate.FingerprintPath);
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate.Certificate);
            });
        }

        return builder;
    }

    /// <summary>Whether the configuration names an address to listen on (then the default address is not added).</summary>
    public static bool HasConfiguredAddress(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
               || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
               || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
               || configuration.GetSection("Kestrel:Endpoints").Exists();
    }

    /// <summary>
    /// Whether the server may listen on HTTPS: no address is configured (then the default is HTTPS), or a configured
    /// one is HTTPS. Only plain <c>http://</c> addresses (e.g. behind a TLS-terminating proxy) need no certificate.
    /// </summary>
    public static bool MayServeHttps(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !HasConfiguredAddress(configuration)
               || configuration[WebHostDefaults.ServerUrlsKey]?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true
               || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
               || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => e["Url"]?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>Whether Kestrel's configuration supplies a certificate (then none is generated).</summary>
    public static bool HasConfiguredCertificate(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection("Kestrel:Certificates:Default").Exists()
               || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => e.GetSection("Certificate").Exists());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS: only plain HTTP addresses are configured, so the server answers without TLS; API keys and model weights cross the network in the clear unless a TLS-terminating proxy is in front")]
    private static partial void LogPlainHttp(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS: self-signed certificate {Action} in {Directory}; SHA-256 fingerprint {Fingerprint} (also in {FingerprintPath}). Clients pin it: hecompute --pin {Fingerprint}, or HECOMPUTE_PIN")]
    private static partial void LogCertificate(ILogger logger, string action, string directory, string fingerprint, string fingerprintPath);
}
