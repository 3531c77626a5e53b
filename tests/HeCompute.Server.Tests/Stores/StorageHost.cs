using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Tests.Stores;

/// <summary>
/// The server's storage registration alone (options, stores, blob store, collector), as one node builds it, on a data
/// directory and the given settings; the schema is applied as the server does at start.
/// </summary>
public sealed class StorageHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private StorageHost(ServiceProvider provider) => _provider = provider;

    public IMetadataStore Metadata => _provider.GetRequiredService<IMetadataStore>();

    public IBlobStore Blobs => _provider.GetRequiredService<IBlobStore>();

    public BlobCollector Collector => _provider.GetRequiredService<BlobCollector>();

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Builds the services; <paramref name="initialize"/> applies the schema (as the server's start does).</summary>
    public static async Task<StorageHost> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings, bool initialize = true)
    {
        var values = new Dictionary<string, string?> { ["HeCompute:Storage:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = dataDirectory, EnvironmentName = "Testing" });
        services.AddHeComputeOptions();
        services.AddHeComputeStorage();
        var host = new StorageHost(services.BuildServiceProvider());
        // What ValidateOnStart does in the server.
        _ = host._provider.GetRequiredService<IOptions<HeComputeServerOptions>>().Value;
        if (initialize)
        {
            await host.Metadata.InitializeAsync(CancellationToken.None);
        }

        return host;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
