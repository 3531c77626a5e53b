using System.Net.Http.Headers;
using System.Net.Http.Json;
using HeCompute.Contracts;
using HeCompute.Server.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeCompute.Testing;

/// <summary>
/// The server in memory on a given data directory, with a known admin key, upload limits of 32 MiB per part (a
/// statistics plan's Galois keys weigh 10 MB at N = 8192, 22 MB at 16384) and 64 MiB per upload, a fast job poll and the test job kinds
/// registered.
/// </summary>
public sealed class HeComputeFactory(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789abcdef-0123456789abcdef";
    public const long PartLimit = 32L << 20;

    public string DataDirectory { get; } = dataDirectory;

    public ShiftableTimeProvider Time { get; } = new();

    /// <summary>Every log message the server wrote (Information and above).</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>
        {
            ["HeCompute:Storage:DataDirectory"] = DataDirectory,
            ["HeCompute:BootstrapAdminKey"] = AdminKey,
            ["HeCompute:Limits:MaxKeySetPartBytes"] = PartLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HeCompute:Limits:MaxKeySetUploadBytes"] = (64L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["HeCompute:Jobs:PollInterval"] = "00:00:00.200",
            // Tests that are not about rate limits send bursts no client would; the rate-limit and load tests set their own.
            ["HeCompute:RateLimits:Default:PermitLimit"] = "1000000",
            ["HeCompute:RateLimits:Default:TokensPerPeriod"] = "1000000",
            ["HeCompute:RateLimits:Heavy:PermitLimit"] = "1000000",
            ["HeCompute:RateLimits:Heavy:TokensPerPeriod"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(values));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        builder.ConfigureServices(registered =>
        {
            registered.AddSingleton<TimeProvider>(Time);
            registered.AddJobHandler<ResumableStepsHandler>();
            registered.AddJobHandler<OneShotStepsHandler>();
            registered.AddJobHandler<ComputeStepHandler>();
        });
        if (services is { } configure)
        {
            builder.ConfigureServices(configure);
        }
    }

    /// <summary>A client authenticated with <paramref name="key"/> (or none).</summary>
    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A client with the admin key.</summary>
    public HttpClient Admin() => Client(AdminKey);

    /// <summary>Creates a tenant and a key with <paramref name="roles"/>; returns a client for it.</summary>
    public async Task<TestTenant> NewTenantAsync(params string[] roles)
    {
        using var admin = Admin();
        var tenantResponse = await admin.PostAsJsonAsync("/v1/admin/tenants", new CreateTenantRequest("test hospital"), HeComputeJson.Options);
        tenantResponse.EnsureSuccessStatusCode();
        var tenant = (await tenantResponse.Content.ReadFromJsonAsync<TenantResponse>(HeComputeJson.Options))!;
        return await NewKeyAsync(tenant.Id, roles);
    }

    /// <summary>Creates another key for an existing tenant.</summary>
    public async Task<TestTenant> NewKeyAsync(string tenantId, params string[] roles)
    {
        using var admin = Admin();
        var keyResponse = await admin.PostAsJsonAsync(
            $"/v1/admin/tenants/{tenantId}/keys", new CreateApiKeyRequest("test key", roles.Length == 0 ? [Roles.Hospital] : roles), HeComputeJson.Options);
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<CreatedApiKeyResponse>(HeComputeJson.Options))!;
        return new TestTenant(tenantId, key.Key.Id, key.Secret, Client(key.Secret));
    }
}

/// <summary>A tenant, one of its keys, and a client using that key.</summary>
public sealed record TestTenant(string TenantId, string KeyId, string Secret, HttpClient Http) : IDisposable
{
    public void Dispose() => Http.Dispose();
}
