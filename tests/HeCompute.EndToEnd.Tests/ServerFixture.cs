using System.Globalization;
using HeCompute.Client.Http;
using HeCompute.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// The real server (HeCompute.Server's Program, as the server tests configure it) on Kestrel, on a free loopback port,
/// with a temporary data directory and the known bootstrap admin key: every test talks to it through real HTTP.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string AdminKey = HeComputeFactory.AdminKey;

    private readonly List<ServiceProvider> _providers = [];
    private readonly TempDirectory _directory = new();
    private HeComputeFactory? _factory;

    public string DataDirectory => _directory.Path;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's services, for tests that set up state faster than through HTTP.</summary>
    public IServiceProvider Services => _factory!.Services;

    public Task InitializeAsync()
    {
        // The CLI's and SDK's statistics plans upload Galois keys past the server tests' 32 MiB part limit: the
        // workflows run under the limits the server ships with (512 MiB a part, 1 GiB an upload).
        _factory = new HeComputeFactory(DataDirectory, new Dictionary<string, string?>
        {
            ["HeCompute:Jobs:PollInterval"] = "00:00:00.100",
            ["HeCompute:Limits:MaxKeySetPartBytes"] = (512L << 20).ToString(CultureInfo.InvariantCulture),
            ["HeCompute:Limits:MaxKeySetUploadBytes"] = (1L << 30).ToString(CultureInfo.InvariantCulture),
        });
        BaseAddress = _factory.StartOnLoopback();
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

        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
