using HeCompute.Server.Options;
using HeCompute.Server.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage;

/// <summary>Creates or upgrades the schema and loads the at-rest keyring before anything else starts (registered as the first hosted service).</summary>
public sealed partial class StorageInitializer(
    IMetadataStore metadata, IOptions<HeComputeServerOptions> options, IServiceProvider services, StoragePaths paths, ILogger<StorageInitializer> logger)
    : IHostedService
{
    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await metadata.InitializeAsync(cancellationToken).ConfigureAwait(false);
        // The keyring needs the schema; loading it now turns a wrong master key into a failed start, not a failed request.
        await services.GetRequiredService<AtRest.AtRestKeyring>().LoadAsync(cancellationToken).ConfigureAwait(false);
        // Only what is in use is named: the PostgreSQL data source is never built for the embedded store.
        var storage = options.Value.Storage;
        var database = storage.Provider == StorageOptions.PostgresProvider ? services.GetRequiredService<PostgresDatabase>() : null;
        LogReady(
            logger,
            database is null ? paths.DatabasePath : $"{database.Description} (pool at most {database.MaxPoolSize} connections)",
            database is not null && storage.Postgres.Blobs == PostgresStorageOptions.DatabaseBlobs ? "in the database" : paths.BlobDirectory);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: metadata {Metadata}, blobs {Blobs}")]
    private static partial void LogReady(ILogger logger, string metadata, string blobs);
}
