using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>The embedded metadata store: one SQLite file.</summary>
public sealed class SqliteMetadataStore(
    SqliteDatabase database,
    TimeProvider time,
    SqliteTenantStore tenants,
    SqliteApiKeyStore apiKeys,
    SqliteKeySetStore keySets,
    SqliteJobStore jobs,
    SqliteModelStore models,
    SqliteDatasetStore datasets,
    SqliteAuditStore audit,
    SqliteKeyringStore keyring) : IMetadataStore
{
    /// <inheritdoc/>
    public ITenantStore Tenants => tenants;

    /// <inheritdoc/>
    public IApiKeyStore ApiKeys => apiKeys;

    /// <inheritdoc/>
    public IKeySetStore KeySets => keySets;

    /// <inheritdoc/>
    public IJobStore Jobs => jobs;

    /// <inheritdoc/>
    public IModelStore Models => models;

    /// <inheritdoc/>
    public IDatasetStore Datasets => datasets;

    /// <inheritdoc/>
    public IAuditStore Audit => audit;

    /// <inheritdoc/>
    public IKeyringStore Keyring => keyring;

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteSchema.MigrateAsync(connection, time, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT COUNT(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT 1 FROM blob_refs WHERE sha256 = $sha LIMIT 1;").With("$sha", sha256);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task<TenantErasure> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Batches other tenants appended to this tenant's datasets go with the datasets; its own blobs (key sets, jobs,
        // models, batches it appended anywhere) are attributed to it.
        var released = new List<string>(await SqliteBlobRefs.DeleteAsync(
            connection, transaction,
            "owner_id IN (SELECT b.id FROM dataset_batches b JOIN datasets d ON d.id = b.dataset_id WHERE d.tenant_id = $p)",
            tenantId, cancellationToken).ConfigureAwait(false));
        released.AddRange(await SqliteBlobRefs.DeleteAsync(connection, transaction, "tenant_id = $p", tenantId, cancellationToken).ConfigureAwait(false));
        var keySetCount = await DeleteAsync(connection, transaction, "DELETE FROM keysets WHERE tenant_id = $tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var jobCount = await DeleteAsync(connection, transaction, "DELETE FROM jobs WHERE tenant_id = $tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var modelCount = await DeleteAsync(connection, transaction, "DELETE FROM models WHERE tenant_id = $tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var batchCount = await DeleteAsync(
            connection, transaction,
            "DELETE FROM dataset_batches WHERE tenant_id = $tenant OR dataset_id IN (SELECT id FROM datasets WHERE tenant_id = $tenant);",
            tenantId, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(connection, transaction, "DELETE FROM dataset_contributors WHERE tenant_id = $tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var datasetCount = await DeleteAsync(connection, transaction, "DELETE FROM datasets WHERE tenant_id = $tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new TenantErasure(keySetCount, jobCount, modelCount, datasetCount, batchCount, released);
    }

    private static async Task<int> DeleteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction).With("$tenant", tenantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
