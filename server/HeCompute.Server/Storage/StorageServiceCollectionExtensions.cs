using HeCompute.Server.Options;
using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Storage.Postgres;
using HeCompute.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage;

/// <summary>Registers the storage chosen by <c>HeCompute:Storage:Provider</c>.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The metadata store (SQLite by default, PostgreSQL with <c>postgres</c>), the blob store (a content-addressed
    /// directory, or with PostgreSQL its chunk table unless <c>Postgres:Blobs</c> is <c>directory</c>), the schema
    /// initializer and readiness checks.
    /// </summary>
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
        services.AddSingleton<SqliteKeyringStore>();
        services.AddSingleton<SqliteMetadataStore>();
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<PostgresTenantStore>();
        services.AddSingleton<PostgresApiKeyStore>();
        services.AddSingleton<PostgresKeySetStore>();
        services.AddSingleton<PostgresJobStore>();
        services.AddSingleton<PostgresModelStore>();
        services.AddSingleton<PostgresDatasetStore>();
        services.AddSingleton<PostgresAuditStore>();
        services.AddSingleton<PostgresKeyringStore>();
        services.AddSingleton<PostgresMetadataStore>();
        services.AddSingleton<PostgresBlobStore>();
        services.AddSingleton<PostgresBlobReferenceLock>();
        services.AddSingleton<FileSystemBlobStore>();
        services.AddSingleton<InProcessBlobReferenceLock>();
        services.AddSingleton<IMetadataStore>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresMetadataStore>()
            : p.GetRequiredService<SqliteMetadataStore>());
        services.AddSingleton<IBlobStore>(p => UsesPostgres(p) && Storage(p).Postgres.Blobs == PostgresStorageOptions.DatabaseBlobs
            ? p.GetRequiredService<PostgresBlobStore>()
            : p.GetRequiredService<FileSystemBlobStore>());
        services.AddBlobEncryptionAtRest();
        services.AddSingleton<IJobLeaseStore>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresJobStore>()
            : p.GetRequiredService<SqliteJobStore>());
        services.AddSingleton<IJobPartitionStore>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresJobStore>()
            : p.GetRequiredService<SqliteJobStore>());
        services.AddSingleton<IBlobReferenceLock>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresBlobReferenceLock>()
            : p.GetRequiredService<InProcessBlobReferenceLock>());
        services.AddSingleton<SqliteUserStore>();
        services.AddSingleton<PostgresUserStore>();
        services.AddSingleton<IUserStore>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresUserStore>()
            : p.GetRequiredService<SqliteUserStore>());
        services.AddSingleton<SqliteMetadataBackup>();
        services.AddSingleton<PostgresMetadataBackup>();
        services.AddSingleton<IMetadataBackup>(p => UsesPostgres(p)
            ? p.GetRequiredService<PostgresMetadataBackup>()
            : p.GetRequiredService<SqliteMetadataBackup>());
        services.AddSingleton(p => new StorageBackup(
            p.GetRequiredService<IMetadataStore>(), p.GetRequiredService<IBlobStore>(), p.GetRequiredService<IMetadataBackup>(),
            p.GetRequiredService<IBlobReferenceLock>(), p.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BlobCollector>();
        services.AddHostedService<StorageInitializer>();
        services.AddHealthChecks()
            .AddCheck<MetadataStoreHealthCheck>("metadata", tags: ["ready"])
            .AddCheck<BlobStoreHealthCheck>("blobs", tags: ["ready"]);
        return services;
    }

    private static StorageOptions Storage(IServiceProvider services) => services.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Storage;

    private static bool UsesPostgres(IServiceProvider services) => Storage(services).Provider == StorageOptions.PostgresProvider;
}
