using System.Net;
using System.Net.Sockets;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// The real server (HeCompute.Server's Program) on Kestrel, on a free loopback port, with a temporary data directory
/// and a configured bootstrap admin key: every test talks to it through real HTTP.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin-key-0123456789abcdef-0123456789abcdef";

    private readonly List<ServiceProvider> _providers = [];
    private KestrelFactory? _factory;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "hecompute-e2e-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var port = FreePort();
        _factory = new KestrelFactory(DataDirectory);
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        return Task.CompletedTask;
    }

    /// <summary>An SDK client over real HTTP, registered the way applications do (resilience included).</summary>
    public HeComputeClient Client(string apiKey)
    {
        var services = new ServiceCollection();
        services.AddHeComputeClient(o =>
        {
            o.BaseAddress = BaseAddress;
            o.ApiKey = apiKey;
            o.JobPollInterval = TimeSpan.FromMilliseconds(100);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<HeComputeClient>();
    }

    /// <summary>Creates a tenant and one key per role set; returns the tenant id and the keys' secrets.</summary>
    public async Task<(string TenantId, string[] Keys)> NewTenantAsync(string name, params string[][] roleSets)
    {
        var admin = Client(AdminKey);
        var tenant = await admin.CreateTenantAsync(name);
        var keys = new string[roleSets.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (await admin.CreateApiKeyAsync(tenant.Id, new CreateApiKeyRequest($"{name} key {i}", roleSets[i]))).Secret;
        }

        return (tenant.Id, keys);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold its WAL for a moment; the directory is under the temp root either way.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class KestrelFactory(string dataDirectory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["HeCompute:Storage:DataDirectory"] = dataDirectory,
                ["HeCompute:BootstrapAdminKey"] = AdminKey,
                ["HeCompute:Jobs:PollInterval"] = "00:00:00.100",
            }));
            builder.ConfigureLogging(logging => logging.ClearProviders());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
