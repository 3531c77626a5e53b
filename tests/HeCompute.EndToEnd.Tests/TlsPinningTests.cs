using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using HeCompute.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// Outside Development the server serves TLS with a certificate it generates (0600, reused on restart, fingerprint
/// written beside it) and HSTS; the SDK and the CLI connect to a server whose certificate matches the pin and refuse
/// another server's, with an error that names both fingerprints. Two real Kestrel servers, two generated certificates.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
public sealed class TlsPinningTests : IAsyncLifetime
{
    private const string HostName = "hecompute.example";
    private readonly TempDirectory _a = new();
    private readonly TempDirectory _b = new();
    private readonly TempDirectory _keyStore = new();
    private readonly List<ServiceProvider> _providers = [];
    private HeComputeFactory _serverA = null!;
    private HeComputeFactory _serverB = null!;
    private Uri _uriA = null!;
    private Uri _uriB = null!;

    public Task InitializeAsync()
    {
        (_serverA, _uriA) = Start(_a.Path);
        (_serverB, _uriB) = Start(_b.Path);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_default_start_serves_tls_with_its_generated_certificate_and_hsts()
    {
        Assert.Equal("https", _uriA.Scheme);
        var pinA = Fingerprint(_a.Path);
        var pinB = Fingerprint(_b.Path);
        Assert.Matches("^sha256:[0-9a-f]{64}$", pinA);
        Assert.NotEqual(pinA, pinB);
        var tls = Path.Combine(_a.Path, "tls");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(tls));
        foreach (var file in new[] { "server.crt", "server.key", "server.sha256" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tls, file)));
        }

        Assert.Contains(_serverA.Logs.Messages, m => m.Contains(pinA, StringComparison.Ordinal) && m.Contains("generated", StringComparison.Ordinal));

        // The certificate on the wire is the one whose fingerprint was written, and it names the configured host.
        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = new X509Certificate2(certificate!);
                return true;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = _uriA };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = HostName;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        Assert.NotNull(presented);
        Assert.Equal(pinA, CertificatePin.Of(presented));
        var names = presented.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["hecompute.example", "localhost"], names.EnumerateDnsNames().Order(StringComparer.Ordinal));
        Assert.Equal(["127.0.0.1", "::1"], names.EnumerateIPAddresses().Select(a => a.ToString()).Order(StringComparer.Ordinal));
        presented.Dispose();

        // HSTS is not sent to a loopback name (a browser would force HTTPS on every local server).
        using (var loopback = await http.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
            Assert.False(loopback.Headers.Contains("Strict-Transport-Security"));
        }

        // A restart reuses the certificate: the pin stays valid.
        await _serverA.DisposeAsync();
        (_serverA, _uriA) = Start(_a.Path);
        Assert.Equal(pinA, Fingerprint(_a.Path));
        Assert.Contains(_serverA.Logs.Messages, m => m.Contains(pinA, StringComparison.Ordinal) && m.Contains("reused", StringComparison.Ordinal));
        using var again = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => CertificatePin.Of(c!) == pinA }) { BaseAddress = _uriA };
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task The_sdk_connects_with_the_pin_and_refuses_another_certificate()
    {
        var pinA = Fingerprint(_a.Path);
        var me = await Client(_uriA, pinA).GetMeAsync();
        Assert.Contains(Roles.Admin, me.Roles);

        // Server B has its own certificate: the same pin refuses it, naming both fingerprints, and nothing is retried into success.
        var refused = await Assert.ThrowsAsync<CertificatePinMismatchException>(() => Client(_uriB, pinA).GetMeAsync());
        Assert.Equal(pinA, refused.Pinned);
        Assert.Equal(Fingerprint(_b.Path), refused.Presented);
        Assert.Contains(Fingerprint(_b.Path), refused.Message, StringComparison.Ordinal);

        // Without a pin the system trust store does not know the self-signed certificate.
        var untrusted = await Assert.ThrowsAsync<HeComputeApiException>(() => Client(_uriA, null).GetMeAsync());
        Assert.IsType<AuthenticationException>(untrusted.InnerException?.InnerException);
        Assert.Contains("not trusted here", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("tls/server.sha256", untrusted.Message, StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => CertificatePin.Parse("sha256:abcd"));
        Assert.Equal(pinA, CertificatePin.Parse(pinA.ToUpperInvariant().Replace("SHA256:", "sha256:", StringComparison.Ordinal)).ToString());
    }

    [Fact]
    public async Task The_cli_connects_with_the_pin_and_refuses_another_certificate()
    {
        var pinA = Fingerprint(_a.Path);
        var admin = Client(_uriA, pinA);
        var tenant = await admin.CreateTenantAsync("tls");
        var key = (await admin.CreateApiKeyAsync(tenant.Id, new CreateApiKeyRequest("cli", [Roles.Hospital]))).Secret;

        var (code, stdout, stderr) = await new CliProcess(_uriA, _keyStore.Path).RunAsync(key, "models", "list", "--pin", pinA, "--json");
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");

        (code, stdout, stderr) = await new CliProcess(_uriB, _keyStore.Path).RunAsync(key, "models", "list", "--pin", pinA, "--json");
        Assert.Equal(4, code);
        Assert.Contains("Certificate pin mismatch", stdout, StringComparison.Ordinal);
        Assert.Contains(Fingerprint(_b.Path), stdout, StringComparison.Ordinal);

        (code, stdout, _) = await new CliProcess(_uriA, _keyStore.Path).RunAsync(key, "models", "list", "--pin", "sha256:00", "--json");
        Assert.Equal(1, code);
        Assert.Contains("not a certificate pin", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generated_certificate_is_reused_until_it_nears_expiry_or_misses_a_configured_host()
    {
        using var directory = new TempDirectory();
        var time = new ShiftableTimeProvider();
        var first = ServerCertificate.LoadOrCreate(directory.Path, [], time);
        Assert.True(first.Generated);
        var again = ServerCertificate.LoadOrCreate(directory.Path, [], time);
        Assert.False(again.Generated);
        Assert.Equal(first.Fingerprint, again.Fingerprint);

        var named = ServerCertificate.LoadOrCreate(directory.Path, ["api.hecompute.example"], time);
        Assert.True(named.Generated);
        Assert.NotEqual(first.Fingerprint, named.Fingerprint);
        Assert.Equal(named.Fingerprint, File.ReadAllText(named.FingerprintPath).Trim());

        time.Offset = TimeSpan.FromDays(690);
        Assert.False(ServerCertificate.LoadOrCreate(directory.Path, ["api.hecompute.example"], time).Generated);
        time.Offset = TimeSpan.FromDays(701);
        var renewed = ServerCertificate.LoadOrCreate(directory.Path, ["api.hecompute.example"], time);
        Assert.True(renewed.Generated);
        Assert.NotEqual(named.Fingerprint, renewed.Fingerprint);
    }

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Production", TransportSecurity.DefaultUrl)]
    [InlineData("Staging", TransportSecurity.DefaultUrl)]
    public void Outside_development_the_default_address_is_https(string environment, string? expected)
    {
        // The empty builder reads no environment variables, so only the environment name differs.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.UseHeComputeTransport();
        Assert.Equal(expected, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void Without_a_configured_address_or_certificate_the_defaults_apply()
    {
        var empty = new ConfigurationBuilder().Build();
        Assert.False(TransportSecurity.HasConfiguredAddress(empty));
        Assert.False(TransportSecurity.HasConfiguredCertificate(empty));
        Assert.Equal("https://localhost:5001", TransportSecurity.DefaultUrl);
        Assert.True(TransportSecurity.HasConfiguredAddress(Config(("urls", "http://0.0.0.0:8080"))));
        Assert.True(TransportSecurity.HasConfiguredAddress(Config(("http_ports", "8080"))));
        Assert.True(TransportSecurity.HasConfiguredAddress(Config(("Kestrel:Endpoints:Main:Url", "https://*:443"))));
        Assert.True(TransportSecurity.HasConfiguredCertificate(Config(("Kestrel:Certificates:Default:Path", "/etc/hecompute/tls.pfx"))));
        Assert.True(TransportSecurity.HasConfiguredCertificate(Config(("Kestrel:Endpoints:Main:Certificate:Path", "/etc/hecompute/tls.pem"))));
        Assert.False(TransportSecurity.HasConfiguredCertificate(Config(("Kestrel:Endpoints:Main:Url", "https://*:443"))));

        // A certificate is needed unless every configured address is plain HTTP (then a warning says so).
        Assert.True(TransportSecurity.MayServeHttps(empty));
        Assert.False(TransportSecurity.MayServeHttps(Config(("urls", "http://0.0.0.0:8080"))));
        Assert.True(TransportSecurity.MayServeHttps(Config(("urls", "http://0.0.0.0:8080;https://0.0.0.0:8443"))));
        Assert.True(TransportSecurity.MayServeHttps(Config(("https_ports", "443"))));
        Assert.False(TransportSecurity.MayServeHttps(Config(("http_ports", "8080"))));
        Assert.True(TransportSecurity.MayServeHttps(Config(("Kestrel:Endpoints:Main:Url", "https://*:443"))));
        Assert.False(TransportSecurity.MayServeHttps(Config(("Kestrel:Endpoints:Main:Url", "http://*:80"))));
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
        _a.Dispose();
        _b.Dispose();
        _keyStore.Dispose();
    }

    private static (HeComputeFactory, Uri) Start(string dataDirectory)
    {
        var factory = new HeComputeFactory(dataDirectory, new Dictionary<string, string?> { ["HeCompute:Tls:HostNames:0"] = HostName });
        return (factory, factory.StartOnLoopbackHttps());
    }

    private static string Fingerprint(string dataDirectory) => File.ReadAllText(Path.Combine(dataDirectory, "tls", "server.sha256")).Trim();

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private HeComputeClient Client(Uri server, string? pin)
    {
        var services = new ServiceCollection();
        services.AddHeComputeClient(o =>
        {
            o.BaseAddress = server;
            o.ApiKey = HeComputeFactory.AdminKey;
            o.CertificatePin = pin;
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<HeComputeClient>();
    }
}
