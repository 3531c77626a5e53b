namespace HeCompute.Server.Storage;

/// <summary>Creates or upgrades the schema before anything else starts (registered as the first hosted service).</summary>
public sealed partial class StorageInitializer(IMetadataStore metadata, StoragePaths paths, ILogger<StorageInitializer> logger) : IHostedService
{
    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await metadata.InitializeAsync(cancellationToken).ConfigureAwait(false);
        LogReady(logger, paths.DatabasePath, paths.BlobDirectory);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: metadata {DatabasePath}, blobs {BlobDirectory}")]
    private static partial void LogReady(ILogger logger, string databasePath, string blobDirectory);
}
