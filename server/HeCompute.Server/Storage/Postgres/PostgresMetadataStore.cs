using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>The shared metadata store: one PostgreSQL database for every node.</summary>
public sealed class PostgresMetadataStore(
    PostgresDatabase database,
    PostgresTenantStore tenants,
    PostgresApiKeyStore apiKeys,
    PostgresKeySetStore keySets,
    PostgresJobStore jobs,
    PostgresModelStore models,
    PostgresDatasetStore datasets,
    PostgresAuditStore audit,
    PostgresKeyringStore keyring) : IMetadataStore
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
        await PostgresSchema.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        var version = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (version != PostgresSchema.LatestVersion)
        {
            throw new InvalidOperationException($"The database schema is version {version}, this server expects {PostgresSchema.LatestVersion}.");
        }
    }

    /// <inheritdoc/>
    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT 1 FROM blob_refs WHERE sha256 = @sha LIMIT 1;").With("sha", sha256);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc/>
    public async Task<TenantErasure> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Batches other tenants appended to this tenant's datasets go with the datasets; its own blobs (key sets, jobs,
        // models, batches it appended anywhere) are attributed to it. Its datasets are locked first, so an append on
        // another node either lands before (and is erased) or finds the dataset gone.
        await ExecuteAsync(connection, transaction, "SELECT 1 FROM datasets WHERE tenant_id = @tenant FOR UPDATE;", tenantId, cancellationToken).ConfigureAwait(false);
        var released = new List<string>(await PostgresBlobRefs.DeleteAsync(
            connection, transaction,
            "owner_id IN (SELECT b.id FROM dataset_batches b JOIN datasets d ON d.id = b.dataset_id WHERE d.tenant_id = @p)",
            tenantId, cancellationToken).ConfigureAwait(false));
        released.AddRange(await PostgresBlobRefs.DeleteAsync(connection, transaction, "tenant_id = @p", tenantId, cancellationToken).ConfigureAwait(false));
        var keySetCount = await ExecuteAsync(connection, transaction, "DELETE FROM keysets WHERE tenant_id = @tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var jobCount = await ExecuteAsync(connection, transaction, "DELETE FROM jobs WHERE tenant_id = @tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var modelCount = await ExecuteAsync(connection, transaction, "DELETE FROM models WHERE tenant_id = @tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var batchCount = await ExecuteAsync(
            connection, transaction,
            "DELETE FROM dataset_batches WHERE tenant_id = @tenant OR dataset_id IN (SELECT id FROM datasets WHERE tenant_id = @tenant);",
            tenantId, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM dataset_contributors WHERE tenant_id = @tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        var datasetCount = await ExecuteAsync(connection, transaction, "DELETE FROM datasets WHERE tenant_id = @tenant;", tenantId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new TenantErasure(keySetCount, jobCount, modelCount, datasetCount, batchCount, released);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction).With("tenant", tenantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
