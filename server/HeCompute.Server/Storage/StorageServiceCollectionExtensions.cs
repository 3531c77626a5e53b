using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Storage.Sqlite;

namespace HeCompute.Server.Storage;

/// <summary>Registers the embedded storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>SQLite metadata, a content-addressed blob directory, the schema initializer and readiness checks.</summary>
    public static IServiceCollection AddHeComputeStorage(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StoragePaths>();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteTenantStore>();
        services.AddSingleton<SqliteApiKeyStore>();
        services.AddSingleton<SqliteKeySetStore>();
        services.AddSingleton<SqliteJobStore>();
        services.AddSingleton<SqliteModelStore>();
        services.AddSingleton<SqliteDatasetStore>();
        services.AddSingleton<SqliteAuditStore>();
        services.AddSingleton<IMetadataStore, SqliteMetadataStore>();
        services.AddSingleton<IBlobStore, FileSystemBlobStore>();
        services.AddBlobEncryptionAtRest();
        services.AddSingleton<BlobCollector>();
        services.AddHostedService<StorageInitializer>();
        services.AddHealthChecks()
            .AddCheck<MetadataStoreHealthCheck>("metadata", tags: ["ready"])
            .AddCheck<BlobStoreHealthCheck>("blobs", tags: ["ready"]);
        return services;
    }
}
